import Foundation
import Logging
import Synchronization

/// Keeps an ``ImageCatalog`` in step with the user's `images.yaml`: ``current()`` rereads the file
/// when its modification time or size changed, so an entry added while `tack up` runs applies to the
/// next container start (the kubelet retries `ImageNotRunnable` containers). A file that does not parse
/// leaves the built-ins plus the last good user entries in force and is reported in ``lastError``.
public final class ImageCatalogLoader: Sendable {
    /// The data directory holding `images.yaml`.
    public let directory: URL
    let tackExecutable: String
    let logger: Logger

    struct Stamp: Equatable {
        var modified: Date?
        var size: Int?
    }

    struct State {
        var stamp: Stamp?
        var catalog: ImageCatalog
        var error: ImageCatalogError?
    }

    let state: Mutex<State>

    public init(directory: URL, tackExecutable: String = ImageCatalog.currentExecutablePath,
                logger: Logger = Logger(label: "tack.images")) {
        self.directory = directory
        self.tackExecutable = tackExecutable
        self.logger = logger
        let file = directory.appendingPathComponent(ImageCatalog.fileName).path
        state = Mutex(State(stamp: nil, catalog: ImageCatalog(userFile: file, tackExecutable: tackExecutable), error: nil))
    }

    /// The catalog, reloaded first if the file changed since the last call.
    public func current() -> ImageCatalog {
        let file = directory.appendingPathComponent(ImageCatalog.fileName).path
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        let stamp = Stamp(modified: attributes?[.modificationDate] as? Date, size: (attributes?[.size] as? NSNumber)?.intValue)
        return state.withLock { s in
            if s.stamp == stamp { return s.catalog }
            s.stamp = stamp
            do throws(ImageCatalogError) {
                s.catalog = try ImageCatalog.load(directory: directory, tackExecutable: tackExecutable)
                s.error = nil
            } catch {
                s.error = error
                logger.warning("ignoring changes to the image catalog", metadata: ["error": "\(error)"])
            }
            return s.catalog
        }
    }

    /// Why the last reload failed, if it did.
    public var lastError: ImageCatalogError? { state.withLock { $0.error } }
}
