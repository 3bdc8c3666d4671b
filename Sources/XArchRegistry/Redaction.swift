// Temporary stand-in; replaced by the full redaction helpers.
public enum Redaction {
    public static func url(_ s: String) -> String { s }
}
