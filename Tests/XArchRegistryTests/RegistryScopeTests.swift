import Testing
import XArchTestSupport
import XArchModel
@testable import XArchRegistry

/// A scope text, and its type, name, actions and canonical form.
let scopeParseCases: [(String, String, String, [String], String)] = [
    ("repository:library/alpine:pull", "repository", "library/alpine", ["pull"], "repository:library/alpine:pull"),
    ("repository:o/r:push,pull", "repository", "o/r", ["pull", "push"], "repository:o/r:pull,push"),
    ("repository:o/r:pull,pull,push,pull", "repository", "o/r", ["pull", "push"], "repository:o/r:pull,push"),
    ("repository:o/r:delete,push,pull", "repository", "o/r", ["delete", "pull", "push"], "repository:o/r:delete,pull,push"),
    ("registry:catalog:*", "registry", "catalog", ["*"], "registry:catalog:*"),
    ("repository:localhost:5000/app:pull", "repository", "localhost:5000/app", ["pull"], "repository:localhost:5000/app:pull"),
    ("repository(plugin):vieux/sshfs:pull", "repository(plugin)", "vieux/sshfs", ["pull"], "repository(plugin):vieux/sshfs:pull"),
    ("repository:a/b-c_d.e/f__g:pull", "repository", "a/b-c_d.e/f__g", ["pull"], "repository:a/b-c_d.e/f__g:pull"),
    ("repository:o/r:", "repository", "o/r", [], "repository:o/r:"),
    ("repository:o/r:pull,,push", "repository", "o/r", ["pull", "push"], "repository:o/r:pull,push"),
]

@Test(arguments: scopeParseCases.map { $0.0 })
func parsesScope(_ text: String) throws {
    let c = try #require(scopeParseCases.first { $0.0 == text })
    let scope = try RegistryScope.parse(text)
    #expect(scope.resourceType == c.1)
    #expect(scope.resourceName == c.2)
    #expect(scope.actions.map(\.rawValue) == c.3)
    #expect(scope.description == c.4)
    #expect(try RegistryScope.parse(scope.description) == scope)
}

@Test(arguments: [
    "", "repository", "repository:o/r", ":o/r:pull", "repository::pull", "Repository:o/r:pull",
    "repo sitory:o/r:pull", "repository:o r:pull", "repository:o/r:PULL", "repository:o/r:pu-ll",
    "repository(:o/r:pull", "repository(x:o/r:pull", "repository():o/r:pull", "repository:o/r\u{0}:pull",
])
func refusesInvalidScope(_ text: String) {
    expectXArchError(.authentication, containing: ["token scope"]) { _ = try RegistryScope.parse(text) }
}

@Test func buildsScopes() {
    #expect(RegistryScope.repository("library/alpine", actions: [.pull]).description == "repository:library/alpine:pull")
    #expect(RegistryScope.repository("o/r", actions: [.push, .pull, .push]).description == "repository:o/r:pull,push")
    #expect(RegistryScope.catalog.description == "registry:catalog:*")
    #expect(RegistryScope.repository("o/r", actions: [.pull, .push]) == RegistryScope.repository("o/r", actions: [.push, .pull]))
}

@Test func mergesActionsPerResource() {
    let merged = RegistryScope.merge([
        .repository("b/x", actions: [.pull]),
        .repository("a/y", actions: [.push]),
        .repository("a/y", actions: [.pull]),
        .catalog,
        .repository("b/x", actions: [.pull]),
    ])
    #expect(merged.map(\.description) == ["registry:catalog:*", "repository:a/y:pull,push", "repository:b/x:pull"])
    #expect(RegistryScope.repository("a", actions: [.pull]).merging(.repository("b", actions: [.push])) == nil)
    #expect(RegistryScope.merge([]).isEmpty)
}

@Test func coversChecksActions() {
    let pullPush = RegistryScope.repository("o/r", actions: [.pull, .push])
    #expect(pullPush.covers(.repository("o/r", actions: [.pull])))
    #expect(!RegistryScope.repository("o/r", actions: [.pull]).covers(pullPush))
    #expect(!pullPush.covers(.repository("o/other", actions: [.pull])))
    #expect(RegistryScope(resourceType: "repository", resourceName: "o/r", actions: [.all]).covers(pullPush))
}

@Test func parsesScopeLists() throws {
    let list = try RegistryScope.parseList("repository:a:pull  repository:b:pull,push\tregistry:catalog:*")
    #expect(list.map(\.description) == ["repository:a:pull", "repository:b:pull,push", "registry:catalog:*"])
    #expect(try RegistryScope.parseList("").isEmpty)
    expectXArchError(.authentication) { _ = try RegistryScope.parseList("repository:a:pull nonsense") }
}

@Test func tokenKeysAreCanonical() {
    let a = TokenKey(registry: "GHCR.io", service: "ghcr.io", scopes: [
        .repository("o/r", actions: [.push]), .repository("o/r", actions: [.pull]), .repository("o/base", actions: [.pull]),
    ])
    let b = TokenKey(registry: "ghcr.io", service: "ghcr.io", scopes: [
        .repository("o/base", actions: [.pull]), .repository("o/r", actions: [.pull, .push]),
    ])
    #expect(a == b)
    #expect(a.hashValue == b.hashValue)
    #expect(a.registry == "ghcr.io")
    #expect(a.description == "ghcr.io service=ghcr.io scope=repository:o/base:pull repository:o/r:pull,push")
    #expect(a != TokenKey(registry: "ghcr.io", service: "other", scopes: b.scopes))
    #expect(a != TokenKey(registry: "ghcr.io", service: "ghcr.io", scopes: [.repository("o/r", actions: [.pull])]))
    #expect(TokenKey(registry: "r", service: nil, scopes: []).service == "")
}
