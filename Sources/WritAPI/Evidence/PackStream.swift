import WritCore
import WritCrypto

/// The ZIP being written and what the manifest will say of each file: every file's bytes pass
/// through once, hashed and counted on their way to the sink.
final class PackStream {
    typealias Sink = ([UInt8]) async throws -> Void

    private var zip: ZipWriter
    private(set) var entries: [EvidenceManifest.Entry] = []

    init(zip: ZipWriter) {
        self.zip = zip
    }

    /// One file, written by `body` through the `write` it is given, in as many pieces as it likes.
    func file(_ name: String, listed: Bool = true, to sink: Sink, _ body: (_ write: Sink) async throws -> Void) async throws {
        try await sink(try zip.start(name))
        let hasher = SHA256Hasher()
        var bytes = 0
        try await withoutActuallyEscaping(sink) { sink in
            try await body { piece in
                guard !piece.isEmpty else { return }
                hasher.update(piece)
                bytes += piece.count
                try await sink(try self.zip.write(piece))
            }
        }
        try await sink(zip.close())
        if listed { entries.append(.init(name: name, sha256: hasher.finalizeHex(), bytes: bytes)) }
    }

    /// The central directory: the last bytes.
    func finish(to sink: Sink) async throws {
        try await sink(try zip.finish())
    }
}
