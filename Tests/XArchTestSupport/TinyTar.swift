/// A minimal ustar writer for test layers: regular files and directories, fixed metadata.
public enum TinyTar {
    public enum Entry {
        case directory(String)
        case file(String, [UInt8], mode: Int = 0o644)
    }

    public static func archive(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            switch entry {
            case .directory(let name): out += header(name: name.hasSuffix("/") ? name : name + "/", size: 0, mode: 0o755, type: "5")
            case .file(let name, let bytes, let mode):
                out += header(name: name, size: bytes.count, mode: mode, type: "0")
                out += bytes
                out += [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
            }
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    static func header(name: String, size: Int, mode: Int, type: Character) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (i, b) in text.utf8.prefix(length).enumerated() { h[offset + i] = b }
        }
        func octal(_ value: Int, _ offset: Int, _ length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: length - 1 - digits.count) + digits, offset, length - 1)
        }
        put(name, 0, 100)
        octal(mode, 100, 8); octal(0, 108, 8); octal(0, 116, 8)
        octal(size, 124, 12); octal(0, 136, 12)
        put(String(type), 156, 1)
        put("ustar", 257, 6); put("00", 263, 2)
        for i in 148..<156 { h[i] = 0x20 }
        let sum = h.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits, 148, 6)
        h[154] = 0; h[155] = 0x20
        return h
    }
}
