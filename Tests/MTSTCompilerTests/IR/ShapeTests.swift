import Testing
@testable import MTSTCompiler

struct ShapeTests {
    @Test func symbolicDimsEvaluate() {
        let probs = Shape(12 * Dim.batch, .seq, .seq)
        #expect(probs.elementCount(batch: 2, seq: 5) == 12 * 2 * 5 * 5)
        #expect(probs.rows(batch: 2, seq: 5) == 24 * 5)
        #expect(Shape(.tokens, .const(384)).resolved(batch: 3, seq: 7) == [21, 384])
        #expect(Shape(.tokens, .const(384)).description == "[B·T,384]")
        #expect((3 * Dim.batch).description == "3·B")
    }

    @Test func noneShapeHasNoElements() {
        #expect(Shape.none.elementCount(batch: 4, seq: 4) == 0)
        #expect(Shape.scalar.elementCount(batch: 4, seq: 4) == 1)
    }
}
