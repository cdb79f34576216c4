extension QRCode {
    /// Applies each of the eight masks, keeps the one with the lowest penalty.
    mutating func chooseMask() {
        var best = 0
        var bestPenalty = Int.max
        for candidate in 0..<8 {
            applyMask(candidate)
            drawFormatBits(mask: candidate)
            let score = penalty()
            if score < bestPenalty {
                best = candidate
                bestPenalty = score
            }
            applyMask(candidate)  // XOR again undoes it
        }
        applyMask(best)
        drawFormatBits(mask: best)
        mask = best
    }

    private mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] {
                let invert: Bool =
                    switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: x * y % 2 + x * y % 3 == 0
                    case 6: (x * y % 2 + x * y % 3) % 2 == 0
                    default: ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                if invert { modules[y][x].toggle() }
            }
        }
    }

    /// The standard's penalty: long runs, 2×2 blocks, finder-like patterns, dark/light imbalance.
    private func penalty() -> Int {
        var score = 0
        let columns = (0..<size).map { x in (0..<size).map { y in modules[y][x] } }
        for line in modules + columns {
            var run = 1
            for index in 1..<size {
                if line[index] == line[index - 1] {
                    run += 1
                } else {
                    if run >= 5 { score += run - 2 }
                    run = 1
                }
            }
            if run >= 5 { score += run - 2 }
            score += 40 * Self.finderLikeCount(line)
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let color = modules[y][x]
                if modules[y][x + 1] == color, modules[y + 1][x] == color, modules[y + 1][x + 1] == color { score += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        score += (abs(dark * 20 - total * 10) + total - 1) / total * 10 - 10
        return score
    }

    private static func finderLikeCount(_ line: [Bool]) -> Int {
        let pattern = [true, false, true, true, true, false, true]
        var count = 0
        guard line.count >= 11 else { return 0 }
        for start in 0...(line.count - 7) where Array(line[start..<start + 7]) == pattern {
            let before = start >= 4 && line[(start - 4)..<start].allSatisfy { !$0 }
            let after = start + 11 <= line.count && line[(start + 7)..<(start + 11)].allSatisfy { !$0 }
            if before || after { count += 1 }
        }
        return count
    }
}
