import CFuzzerDriver
import Foundation

// The target is chosen once per process, by MTSTC_FUZZ_TARGET (see Scripts/fuzz.sh); the rest
// of the command line is libFuzzer's.
let name = ProcessInfo.processInfo.environment["MTSTC_FUZZ_TARGET"] ?? ""
guard let target = FuzzTarget.named(name) else {
    var usage = "mtstc-fuzz: set MTSTC_FUZZ_TARGET to one of:\n"
    for target in FuzzTarget.all { usage += "  \(target.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(target.covers)\n" }
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
FuzzTarget.selected = target

if let directory = ProcessInfo.processInfo.environment["MTSTC_FUZZ_SEED_DIR"] {
    for (name, bytes) in target.seeds() {
        guard FileManager.default.createFile(atPath: directory + "/" + name, contents: bytes) else {
            FileHandle.standardError.write(Data("mtstc-fuzz: cannot write seed \(directory)/\(name)\n".utf8))
            exit(2)
        }
    }
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
    FuzzTarget.selected?.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
})
