/// An Aho-Corasick automaton over bytes, compiled to a dense DFA on byte
/// classes, so that scanning costs one table step per byte whatever the number
/// of patterns.
///
/// Only bytes that occur in some pattern get a class; every other byte sends
/// the automaton back to the root. A transition stores `next << 1 | hasOutput`
/// so that the scan loop tests for matches without a second load.
struct Automaton: Sendable {
    let classOf: [UInt8]
    let classCount: Int
    let transitions: [Int32]
    /// For each state, the patterns that end there (including through suffix links).
    let outputStart: [Int32]
    let outputPatterns: [Int32]
    let patternLengths: [Int32]

    init(patterns: [[UInt8]]) {
        var classOf = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for pattern in patterns {
            for byte in pattern where classOf[Int(byte)] == 0 {
                precondition(classCount < 255, "more than 254 distinct pattern bytes")
                classOf[Int(byte)] = UInt8(classCount)
                classCount += 1
            }
        }
        // Trie with dense rows (-1 = no edge yet).
        var goto: [Int32] = Array(repeating: -1, count: classCount)
        var ends: [[Int32]] = [[]]
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var state = 0
            for byte in pattern {
                let slot = state * classCount + Int(classOf[Int(byte)])
                if goto[slot] < 0 {
                    goto[slot] = Int32(ends.count)
                    goto += Array(repeating: -1, count: classCount)
                    ends.append([])
                }
                state = Int(goto[slot])
            }
            ends[state].append(Int32(id))
        }
        let stateCount = ends.count
        // Breadth-first: failure links, then complete the DFA and merge outputs.
        var failure = [Int32](repeating: 0, count: stateCount)
        var outputs = ends
        var queue: [Int32] = []
        queue.reserveCapacity(stateCount)
        for cls in 1..<classCount {
            let next = goto[cls]
            if next < 0 {
                goto[cls] = 0
            } else {
                failure[Int(next)] = 0
                queue.append(next)
            }
        }
        goto[0] = 0
        var head = 0
        while head < queue.count {
            let state = Int(queue[head])
            head += 1
            outputs[state] += outputs[Int(failure[state])]
            goto[state * classCount] = 0
            for cls in 1..<classCount {
                let slot = state * classCount + cls
                let next = goto[slot]
                let fallback = goto[Int(failure[state]) * classCount + cls]
                if next < 0 {
                    goto[slot] = fallback
                } else {
                    failure[Int(next)] = fallback
                    queue.append(next)
                }
            }
        }
        var transitions = [Int32](repeating: 0, count: goto.count)
        for slot in 0..<goto.count {
            let next = Int(goto[slot])
            transitions[slot] = Int32(next << 1) | (outputs[next].isEmpty ? 0 : 1)
        }
        var outputStart: [Int32] = [0]
        var outputPatterns: [Int32] = []
        for state in 0..<stateCount {
            outputPatterns += outputs[state]
            outputStart.append(Int32(outputPatterns.count))
        }
        self.classOf = classOf
        self.classCount = classCount
        self.transitions = transitions
        self.outputStart = outputStart
        self.outputPatterns = outputPatterns
        self.patternLengths = patterns.map { Int32($0.count) }
    }

    var stateCount: Int { outputStart.count - 1 }

    /// Calls `found(pattern, end)` for every occurrence (`end` is the index of its last byte).
    @inline(__always)
    func scan(_ bytes: [UInt8], _ found: (Int, Int) -> Void) {
        bytes.withUnsafeBufferPointer { text in
            classOf.withUnsafeBufferPointer { classes in
                transitions.withUnsafeBufferPointer { table in
                    var state = 0
                    let width = classCount
                    for position in 0..<text.count {
                        let step = table[state &* width &+ Int(classes[Int(text[position])])]
                        state = Int(step >> 1)
                        if step & 1 != 0 {
                            for k in Int(outputStart[state])..<Int(outputStart[state + 1]) {
                                found(Int(outputPatterns[k]), position)
                            }
                        }
                    }
                }
            }
        }
    }
}
