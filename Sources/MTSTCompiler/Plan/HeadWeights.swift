/// A head that starts from trained values (`heads.<name>.weights`): the file its tensors
/// `heads.<head>.*` are read from, recorded with its checksum like the backbone's weights file.
public struct HeadWeights: Codable, Sendable, Equatable {
    public var head: String
    public var file: FileRef
    public init(head: String, file: FileRef) {
        self.head = head
        self.file = file
    }

    /// The prefix of the head's tensor names in the file (and of its parameters' checkpoint names).
    public var tensorPrefix: String { "heads.\(head)." }
}
