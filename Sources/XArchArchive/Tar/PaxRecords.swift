import XArchModel

/// pax extended header records (POSIX.1-2001 `pax`, "extended header"): `LENGTH key=value\n`, where
/// LENGTH counts the whole record in decimal. Reading checks every length against the data.
public enum PaxRecords {
    /// One record, `"<length> <key>=<value>\n"`, where the length counts the whole record.
    public static func record(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        let bodyLength = body.utf8.count
        var length = bodyLength + String(bodyLength).count
        if String(length).count != String(bodyLength).count { length = bodyLength + String(length).count }
        return Array("\(length)\(body)".utf8)
    }

    /// The records of one extended header's data; a later record of a key replaces an earlier one.
    public static func parse(_ data: [UInt8]) throws -> [String: String] {
        func invalid(_ why: String) -> XArchError {
            XArchError(.invalidInput, "the layer is not a valid tar archive: a pax extended header is malformed (\(why))")
        }
        var records: [String: String] = [:]
        var i = 0
        while i < data.count {
            if data[i] == 0 { break }  // NUL padding after the last record
            guard let space = data[i...].prefix(20).firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[i..<space], as: UTF8.self)),
                  length > space - i + 1, length <= data.count - i
            else { throw invalid("a bad record length at byte \(i)") }
            let end = i + length
            guard data[end - 1] == UInt8(ascii: "\n"),
                  let equals = data[(space + 1)..<(end - 1)].firstIndex(of: UInt8(ascii: "="))
            else { throw invalid("a record without key=value at byte \(i)") }
            let key = String(decoding: data[(space + 1)..<equals], as: UTF8.self)
            let value = String(decoding: data[(equals + 1)..<(end - 1)], as: UTF8.self)
            records[key] = value
            i = end
        }
        return records
    }
}
