import Foundation
import MTSTCompiler

public struct AllocationError: UserFacingError {
    public var bytes: Int
    public var reason: String
    public var description: String {
        "cannot allocate \(PlanLimits.format(bytes)) (\(bytes) bytes): \(reason); lower the model or batch sizes, or use a machine with more memory"
    }
}

/// A zero-filled, page-aligned float buffer that lives as long as its owner. It is an anonymous
/// mapping: the kernel backs a page only when it is first written, so arena space planned for
/// the maximum shapes, or gradient and AdamW buffers of a model that only runs inference, cost
/// no resident memory until used.
public final class AlignedBuffer {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>
    private let bytes: Int

    public init(count: Int) throws(AllocationError) {
        guard let bytes = MemoryEstimate.mappedBytes(floats: count) else {
            throw AllocationError(bytes: Int.max, reason: "\(count) floats overflow the address space")
        }
        let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else {
            throw AllocationError(bytes: bytes, reason: String(cString: strerror(errno)))
        }
        self.count = count
        self.bytes = bytes
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { munmap(pointer, bytes) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
