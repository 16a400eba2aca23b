import Foundation

/// A zero-filled, page-aligned float buffer that lives as long as its owner. It is an anonymous
/// mapping: the kernel backs a page only when it is first written, so arena space planned for
/// the maximum shapes, or gradient and AdamW buffers of a model that only runs inference, cost
/// no resident memory until used.
public final class AlignedBuffer {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>
    private let bytes: Int

    public init(count: Int) {
        self.count = count
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        bytes = max(page, (max(count, 1) * MemoryLayout<Float>.stride + page - 1) / page * page)
        let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else {
            preconditionFailure("out of memory mapping \(bytes) bytes")
        }
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { munmap(pointer, bytes) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
