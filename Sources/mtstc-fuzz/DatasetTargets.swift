import Foundation
import MTSTRuntime

extension FuzzTarget {
    /// One target per data format, through the same entry the file readers use after reading.
    static func dataset(_ format: DataFormat) -> FuzzTarget {
        FuzzTarget(name: format.rawValue, covers: "DataFormat.\(format.rawValue): UTF-8 check, line splitting and the \(format.rawValue) line parser") { data in
            let path = "fuzz.\(format.rawValue)"
            let examples: [Example]
            do {
                examples = try format.parse(data, file: path)
            } catch {
                checkRejection(error, file: path)
                return
            }
            for example in examples {
                if example.words.isEmpty { violated("\(example.source): an example without words") }
                if let tags = example.tags, tags.count != example.words.count {
                    violated("\(example.source): \(tags.count) tags for \(example.words.count) words")
                }
                if example.source.file != path || example.source.line < 1 { violated("example source \(example.source)") }
            }
        }
    }
}
