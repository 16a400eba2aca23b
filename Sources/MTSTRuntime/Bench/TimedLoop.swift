import Foundation

/// The measuring loop of every benchmark: `body` runs until it has run at least `iterations`
/// times and at least `seconds` have passed, so a slow step still gets several samples and a
/// fast one runs long enough for the clock to resolve it.
public enum TimedLoop {
    public struct Measurement: Sendable, Equatable {
        public var iterations: Int
        public var seconds: Double
    }

    public static func run(iterations: Int, seconds: Double, _ body: () throws -> Void) rethrows -> Measurement {
        var count = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while count < iterations || elapsed < seconds {
            try body()
            count += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
        return Measurement(iterations: count, seconds: elapsed)
    }

    /// The same loop where several processes must run the same number of steps: after each
    /// step `agree` maps this process's "enough" to the decision every process takes (rank 0's
    /// under MPI), so none is left waiting in a collective the others never enter.
    public static func run(iterations: Int, seconds: Double, _ body: () throws -> Void,
                           agree: (Bool) throws -> Bool) throws -> Measurement {
        var count = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        var done = false
        while !done {
            try body()
            count += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            done = try agree(count >= iterations && elapsed >= seconds)
        }
        return Measurement(iterations: count, seconds: elapsed)
    }
}
