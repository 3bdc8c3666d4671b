import XArchModel
import Yams

/// YAML (and JSON, which is YAML) read with Yams into node trees that keep positions, so findings can
/// name the line of the field they are about (YAML 1.1 through libyaml; anchors and aliases resolved,
/// merge keys `<<` honoured by `YAMLInput.pairs`).
enum YAMLInput {
    /// Every document of `text`; an empty document (`---` with only comments, as `helm template`
    /// writes) is left out. Throws a one-line error naming `file` and the line when it is not YAML.
    static func documents(_ text: String, file: String) throws -> [Node] {
        do {
            var documents: [Node] = []
            let parser = try Parser(yaml: text)
            while let node = try parser.nextRoot() {
                if case .scalar = node, node.tag.rawValue == Tag.Name.null.rawValue { continue }
                documents.append(node)
            }
            return documents
        } catch let error as YamlError {
            throw XArchError(.invalidInput, "\(file)\(describe(error)); \(hint(text))")
        } catch {
            throw XArchError(.invalidInput, "\(file): cannot read it as YAML: \(error)")
        }
    }

    /// `:LINE: not YAML (problem)` for a libyaml error.
    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return ":\(mark.line): not YAML (\(problem))"
        case .reader(let problem, _, _, _):
            return ": not YAML (\(problem))"
        case .duplicatedKeysInMapping(let duplicates, _):
            return ": not YAML (duplicate keys \(duplicates.joined(separator: ", ")))"
        default:
            return ": not YAML (\(error))"
        }
    }

    /// What to do about a file that is not YAML: Helm templates must be rendered first.
    static func hint(_ text: String) -> String {
        text.contains("{{") ? "it looks like a Helm template: audit what `helm template` renders" :
            "give Kubernetes manifests or compose files"
    }

    /// The pairs of a mapping with string keys, merge keys (`<<: *anchor`, `<<: [*a, *b]`, YAML merge
    /// type) expanded: explicit keys win over merged ones, earlier merged mappings over later ones.
    /// Each value keeps its position (a merged value's is where the anchor wrote it).
    static func pairs(_ node: Node?) -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else { return [] }
        var explicit: [(key: String, keyNode: Node, value: Node)] = []
        var merged: [(key: String, keyNode: Node, value: Node)] = []
        for (key, value) in mapping {
            if key.tag.rawValue == Tag.Name.merge.rawValue {
                let sources: [Node] = if case .sequence(let list) = value { Array(list) } else { [value] }
                for source in sources {
                    for pair in pairs(source) where !merged.contains(where: { $0.key == pair.key }) {
                        merged.append(pair)
                    }
                }
            } else if let name = key.scalar?.string {
                explicit.append((name, key, value))
            }
        }
        return explicit + merged.filter { pair in !explicit.contains { $0.key == pair.key } }
    }

    /// The value of `key` in a mapping (merge keys honoured), with the key's node for its position.
    static func field(_ node: Node?, _ key: String) -> (keyNode: Node, value: Node)? {
        pairs(node).first { $0.key == key }.map { ($0.keyNode, $0.value) }
    }

    /// The value of `key` in a mapping.
    static func value(_ node: Node?, _ key: String) -> Node? { field(node, key)?.value }

    /// The value at a path of keys.
    static func value(_ node: Node?, path: [String]) -> Node? {
        path.reduce(node) { value($0, $1) }
    }

    /// The text of a scalar (whatever its resolved type: `true`, `1.0` and `"x"` are all text here).
    static func string(_ node: Node?) -> String? {
        guard let node, case .scalar(let scalar) = node, node.tag.rawValue != Tag.Name.null.rawValue else { return nil }
        return scalar.string
    }

    /// The items of a sequence (empty for anything else).
    static func items(_ node: Node?) -> [Node] {
        guard case .sequence(let list) = node else { return [] }
        return Array(list)
    }

    /// A mapping of strings to strings (labels, `nodeSelector`).
    static func stringMap(_ node: Node?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs(node) { result[pair.key] = string(pair.value) ?? "" }
        return result
    }

    /// 1-based line and column of a node.
    static func position(_ node: Node) -> (line: Int, column: Int) {
        (node.mark?.line ?? 1, node.mark?.column ?? 1)
    }
}
