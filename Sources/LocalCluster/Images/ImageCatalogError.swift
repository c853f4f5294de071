/// A user's `images.yaml` that cannot be read. Names the file and the entry, e.g.
/// `/home/me/.tack/images.yaml: entry 2 ("nginx:*"): "command" must be a list of strings`.
public struct ImageCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The catalog file.
    public let file: String
    /// The 1-based entry number, when the problem is in one entry.
    public let entry: Int?
    /// The entry's `image`, when known.
    public let image: String?
    /// What is wrong.
    public let message: String

    public init(file: String, entry: Int? = nil, image: String? = nil, message: String) {
        self.file = file
        self.entry = entry
        self.image = image
        self.message = message
    }

    public var description: String {
        var location = file
        if let entry { location += ": entry \(entry)" + (image.map { " (\"\($0)\")" } ?? "") }
        return "\(location): \(message)"
    }
}
