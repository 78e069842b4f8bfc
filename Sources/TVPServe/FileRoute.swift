/// What the download server answers to a request line: `GET /files/<index>` with an index below
/// the number of files is that file; anything else an error status with a one-line reason.
enum FileRoute: Equatable {
    /// The file with this index.
    case file(Int)
    /// An answer other than a file: status code and reason.
    case error(status: Int, reason: String)

    /// The route of a request for `uri` with `method`, on a server holding `files` files.
    static func resolve(method: String, uri: String, files: Int) -> FileRoute {
        guard method == "GET" || method == "HEAD" else {
            return .error(status: 405, reason: "only GET is served here, got \(method.prefix(16))")
        }
        // A query string changes nothing: clients that add one for cache-busting still get the file.
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path.hasPrefix("/files/") else {
            return .error(status: 404, reason: "no such path: use /files/<index> with an index from 0 to \(files - 1)")
        }
        let number = path.dropFirst("/files/".count)
        guard !number.isEmpty, number.count <= 18, number.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(number) else {
            return .error(status: 404, reason: "'\(number.prefix(40))' is not a file index: use /files/<index> with an index from 0 to \(files - 1)")
        }
        guard index < files else {
            return .error(status: 404, reason: "file \(index) does not exist: this server holds files 0 to \(files - 1)")
        }
        return .file(index)
    }
}
