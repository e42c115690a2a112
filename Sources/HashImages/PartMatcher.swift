import Foundation

/// Finds a reference picture (logo, product photo) that covers part of a
/// larger picture: at least `minimumAreaFraction` (20%) of its area,
/// anywhere in it, at any scale from there up to the whole picture.
///
/// Method: multi-scale sliding windows, coarse to fine.
/// 1. The picture's luma is area-averaged down to at most `workingSize`
///    pixels on its long side, and an integral image is built over it, so
///    any window's grid of cell means costs a few lookups per cell.
/// 2. For each aspect ratio that some reference has (bucketed, ±5%), windows
///    of that aspect run from the largest that fits down to the size whose
///    area is `minimumAreaFraction` of the picture, each `scaleStep` smaller
///    than the last, sliding by `strideFraction` of the window's side.
/// 3. Coarse test: PDQ bits flip after a shift of 2% of the window, far too
///    sensitive to slide on; so each window's 8x8 grid of cell means is
///    compared with the reference's by normalised cross-correlation, which
///    tolerates a shift of a third of a cell. Windows over
///    `coarseCorrelation` are candidates (the best few per reference).
/// 4. Refinement: hill-climbing on the 16x16-grid correlation over position
///    and scale down to a quarter working pixel, then a last local search on
///    the Hamming distance itself.
/// 5. The final test is PDQ's: the window's hash (its 32x32 grid's 16 lowest
///    DCT frequencies, the same `cos(π f p)` basis as PDQ's 16 of 64, bit =
///    above the median) within the match threshold of the reference's hash
///    made the same way over the whole reference (`PartMatcher.hash(of:)`).
///    Windows whose grid is nearly flat (quality under `minimumWindowQuality`)
///    are skipped: their bits are noise.
///
/// Cost: ~1,500 windows per aspect, each ~100 lookups plus 64 multiply-adds
/// per reference with that aspect, then a few hundred window hashes per
/// candidate to refine: a few milliseconds per picture per reference in a
/// release build, after the decode. The coarse stage is linear in the
/// number of part-searchable references (the whole-picture index is not).
/// Only the original orientation is searched for parts (whole-picture
/// matches cover the eight rotations and mirror images).
///
/// Cropped copies: a crop moves the whole-picture PDQ hash far (a random 90%
/// crop of a photo is usually 40-110 bits from it). Each reference therefore
/// also has a centre template (its central `centreFraction` of width and
/// height), searched only over `cropWindows(in:aspect:fraction:)`: the places
/// the centre takes when the picture is the reference cropped on any sides
/// (keeping at least `minimumCropKeep` of each side) and maybe resized. Steps
/// there are fine enough for textures; a hit reports the reference's extent,
/// clipped to the picture, as the region. It also finds a reference whose
/// border is covered (a watermark or caption outside the centre).
public struct PartMatcher: Sendable {
    public var minimumAreaFraction = 0.2
    public var workingSize = 320
    public var scaleStep = 0.93
    public var strideFraction = 1.0 / 16.0
    /// Normalised cross-correlation of 8x8 grids that makes a window a candidate.
    public var coarseCorrelation: Float = 0.7
    /// Candidates refined per reference.
    public var candidatesPerReference = 4
    /// Minimum window quality (PDQ's gradient metric over the window's grid, 0...100).
    public var minimumWindowQuality = 25
    /// The share of a reference's width and height its centre template covers (see ``centreTemplate(entry:picture:)``):
    /// 0.6 finds crops that keep at least 80% of the width and height.
    public var centreFraction = 0.6
    /// Cropped copies searched for keep at least this share of the reference's width and height.
    public var minimumCropKeep = 0.8
    public var cropScaleStep = 1.01
    public var cropStrideFraction = 1.0 / 64.0
    /// Coarse correlation that makes a crop window a candidate (crop windows are few and close together).
    public var cropCoarseCorrelation: Float = 0.5

    public init() {}

    static let grid = 32
    /// `cos(π (i+1) (2k+1) / 64)`: PDQ's frequencies 1...16 sampled at 32 cell centres.
    static let basis: [Float] = {
        var m = [Float](repeating: 0, count: 16 * grid)
        for i in 0..<16 {
            for k in 0..<grid { m[i * grid + k] = Float(cos(Double.pi * Double(i + 1) * Double(2 * k + 1) / Double(2 * grid))) }
        }
        return m
    }()

    /// A picture reduced for window search: area-averaged luma and its integral image.
    public struct WorkingImage: Sendable {
        public var width: Int
        public var height: Int
        /// Original pixels per working pixel, along x and y.
        public var scaleX: Double
        public var scaleY: Double
        var integral: [Double]

        func at(_ x: Double, _ y: Double) -> Double {
            let x0 = min(Int(x), width - 1), y0 = min(Int(y), height - 1)
            let fx = x - Double(x0), fy = y - Double(y0)
            let stride = width + 1
            let a = integral[y0 * stride + x0], b = integral[y0 * stride + x0 + 1]
            let c = integral[(y0 + 1) * stride + x0], d = integral[(y0 + 1) * stride + x0 + 1]
            return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy
        }
    }

    public func workingImage(_ picture: LumaPicture) -> WorkingImage {
        let longest = max(picture.width, picture.height)
        let factor = longest > workingSize ? Double(longest) / Double(workingSize) : 1
        let w = max(1, Int((Double(picture.width) / factor).rounded()))
        let h = max(1, Int((Double(picture.height) / factor).rounded()))
        var small = [Double](repeating: 0, count: w * h)
        // Column boundaries once; then each source row is added to its output row.
        var columnOf = [Int](repeating: 0, count: picture.width)
        for x in 0..<picture.width { columnOf[x] = min(w - 1, x * w / picture.width) }
        var counts = [Double](repeating: 0, count: w * h)
        for y in 0..<picture.height {
            let oy = min(h - 1, y * h / picture.height)
            let row = picture.pixels + y * picture.width
            for x in 0..<picture.width {
                small[oy * w + columnOf[x]] += Double(row[x])
                counts[oy * w + columnOf[x]] += 1
            }
        }
        for i in 0..<(w * h) where counts[i] > 0 { small[i] /= counts[i] }
        var integral = [Double](repeating: 0, count: (w + 1) * (h + 1))
        for y in 0..<h {
            var rowSum = 0.0
            for x in 0..<w {
                rowSum += small[y * w + x]
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + rowSum
            }
        }
        return WorkingImage(width: w, height: h, scaleX: Double(picture.width) / Double(w),
                            scaleY: Double(picture.height) / Double(h), integral: integral)
    }

    /// The window hash over a whole picture: what references are indexed by for part matching.
    public func hash(of picture: LumaPicture) -> (hash: PDQHash, quality: Int) {
        let image = workingImage(picture)
        return windowHash(image, x: 0, y: 0, w: Double(image.width), h: Double(image.height))
    }

    /// The PDQ-style hash of one window (working-image coordinates).
    public func windowHash(_ image: WorkingImage, x: Double, y: Double, w: Double, h: Double) -> (hash: PDQHash, quality: Int) {
        let n = PartMatcher.grid
        var corners = [Double](repeating: 0, count: (n + 1) * (n + 1))
        for r in 0...n {
            let py = y + h * Double(r) / Double(n)
            for c in 0...n {
                corners[r * (n + 1) + c] = image.at(x + w * Double(c) / Double(n), py)
            }
        }
        let cellArea = (w / Double(n)) * (h / Double(n))
        var cells = [Float](repeating: 0, count: n * n)
        for r in 0..<n {
            for c in 0..<n {
                let sum = corners[(r + 1) * (n + 1) + c + 1] - corners[r * (n + 1) + c + 1]
                    - corners[(r + 1) * (n + 1) + c] + corners[r * (n + 1) + c]
                cells[r * n + c] = Float(sum / cellArea)
            }
        }
        // Gradient metric as PDQ's, rescaled from a 64- to a 32-cell grid (half the pairs per axis... per 90 → 45/2).
        var gradient = 0
        for r in 0..<n {
            for c in 0..<n {
                let u = cells[r * n + c]
                if r + 1 < n { gradient += abs(Int((u - cells[(r + 1) * n + c]) * 100 / 255)) }
                if c + 1 < n { gradient += abs(Int((u - cells[r * n + c + 1]) * 100 / 255)) }
            }
        }
        let quality = min(100, gradient * 2 / 45)
        let d = PartMatcher.basis
        var t = [Float](repeating: 0, count: 16 * n)
        for i in 0..<16 {
            for k in 0..<n {
                let dik = d[i * n + k]
                for j in 0..<n { t[i * n + j] += dik * cells[k * n + j] }
            }
        }
        var b = [Float](repeating: 0, count: 256)
        for i in 0..<16 {
            for j in 0..<16 {
                var sum: Float = 0
                for k in 0..<n { sum += t[i * n + k] * d[j * n + k] }
                b[i * 16 + j] = sum
            }
        }
        return (PDQ.bits(b), quality)
    }

    public struct Window: Sendable, Hashable {
        public var x: Double, y: Double, w: Double, h: Double
    }

    /// The coarse windows for one aspect ratio (width / height).
    public func windows(in image: WorkingImage, aspect: Double) -> [Window] {
        let W = Double(image.width), H = Double(image.height)
        var maxW = min(W, H * aspect)
        var maxH = maxW / aspect
        if maxH > H { maxH = H; maxW = H * aspect }
        let minArea = minimumAreaFraction * W * H
        var out: [Window] = []
        var w = maxW, h = maxH
        while true {
            let step = max(1.0, min(w, h) * strideFraction)
            for y in positions(limit: H - h, step: step) {
                for x in positions(limit: W - w, step: step) { out.append(Window(x: x, y: y, w: w, h: h)) }
            }
            if w * h <= minArea * 1.0001 { break }
            var nw = w * scaleStep, nh = h * scaleStep
            if nw * nh < minArea {
                let f = (minArea / (w * h)).squareRoot()
                nw = w * f; nh = h * f
            }
            if nw < 8 || nh < 8 { break }
            w = nw; h = nh
        }
        return out
    }

    /// The windows where a reference's centre template (``centreFraction`` of it) lies if the
    /// picture is a cropped copy of the reference, possibly resized: the reference's whole extent
    /// (its aspect, `aspect`) then contains the picture and keeps at least ``minimumCropKeep`` of
    /// its width and height inside it. The extent runs over every such size (``cropScaleStep``
    /// apart) and position (``cropStrideFraction`` of the window apart): far finer steps than the
    /// general part search can afford, which textures need (a brick wall's grid correlation
    /// falls from 0.98 to 0.77 when the window moves by 1% of its width), over far fewer windows.
    public func cropWindows(in image: WorkingImage, aspect: Double, fraction: Double) -> [Window] {
        let W = Double(image.width), H = Double(image.height)
        let smallest = max(W, H * aspect), largest = min(W, H * aspect) / minimumCropKeep
        guard smallest <= largest * 1.0001 else { return [] }
        var out: [Window] = []
        var extentW = smallest
        while extentW <= largest * 1.0001 {
            let extentH = extentW / aspect
            let w = extentW * fraction, h = extentH * fraction
            let step = max(0.5, min(w, h) * cropStrideFraction)
            // The extent's top-left corner runs from (W - extentW, H - extentH) up to (0, 0).
            for dy in positions(limit: extentH - H, step: step) {
                for dx in positions(limit: extentW - W, step: step) {
                    out.append(Window(x: -dx + (extentW - w) / 2, y: -dy + (extentH - h) / 2, w: w, h: h))
                }
            }
            extentW *= cropScaleStep
        }
        return out
    }

    private func positions(limit: Double, step: Double) -> [Double] {
        guard limit > 0.5 else { return [0] }
        var out: [Double] = []
        var p = 0.0
        while p < limit { out.append(p); p += step }
        out.append(limit)
        return out
    }

    /// One part hit: which entry (and which of the searched templates), how far, where (working-image coordinates).
    public struct Hit: Sendable {
        public var entry: Int
        public var template: Int
        public var distance: Int
        public var window: Window
    }

    /// A reference's (or its centre's) coarse and fine grids (zero mean, unit norm) and window hash.
    public struct Template: Sendable, Hashable {
        public var entry: Int
        public var aspect: Double
        public var hash: PDQHash
        /// The window hash's quality (flat windows hash to noise).
        public var quality: Int
        /// The share of the reference's width and height the template covers, centred: 1 for the
        /// whole reference, ``PartMatcher/centreFraction`` for its centre.
        public var fraction: Double
        var grid8: [Float]
        var grid16: [Float]
    }

    /// The template of the whole reference.
    public func template(entry: Int, picture: LumaPicture) -> Template {
        template(entry: entry, image: workingImage(picture), fraction: 1)
    }

    /// The template of the reference's centre (``centreFraction`` of its width and height).
    /// A copy of the reference cropped on any sides, keeping at least (1 + centreFraction) / 2 of
    /// its width and height, still contains this centre whole, so the part search finds it there:
    /// that is how cropped copies match, wherever the crop was taken (the whole-picture hash
    /// moves too much under a crop, and crop variants in the index only cover a few crops).
    /// Nil when the centre is too small to hash.
    public func centreTemplate(entry: Int, picture: LumaPicture) -> Template? {
        let image = workingImage(picture)
        guard Double(min(image.width, image.height)) * centreFraction >= Double(PartMatcher.grid) else { return nil }
        return template(entry: entry, image: image, fraction: centreFraction)
    }

    func template(entry: Int, image: WorkingImage, fraction: Double) -> Template {
        let w = Double(image.width) * fraction, h = Double(image.height) * fraction
        let x = (Double(image.width) - w) / 2, y = (Double(image.height) - h) / 2
        let hash = windowHash(image, x: x, y: y, w: w, h: h)
        return Template(entry: entry, aspect: (w * image.scaleX) / max(h * image.scaleY, 1e-9), hash: hash.hash, quality: hash.quality,
                        fraction: fraction,
                        grid8: normalisedGrid(image, n: 8, x: x, y: y, w: w, h: h),
                        grid16: normalisedGrid(image, n: 16, x: x, y: y, w: w, h: h))
    }

    /// Where the whole reference lies, given the window its template was found in (working-image
    /// coordinates, clipped to the picture): the window itself for a whole-reference template.
    public func referenceExtent(of window: Window, template: Template, in image: WorkingImage) -> Window {
        guard template.fraction < 1 else { return window }
        let w = window.w / template.fraction, h = window.h / template.fraction
        let x = window.x - (w - window.w) / 2, y = window.y - (h - window.h) / 2
        let x0 = max(0, x), y0 = max(0, y)
        return Window(x: x0, y: y0, w: min(Double(image.width), x + w) - x0, h: min(Double(image.height), y + h) - y0)
    }

    func normalisedGrid(_ image: WorkingImage, n: Int, x: Double, y: Double, w: Double, h: Double) -> [Float] {
        var corners = [Double](repeating: 0, count: (n + 1) * (n + 1))
        for r in 0...n {
            let py = y + h * Double(r) / Double(n)
            for c in 0...n { corners[r * (n + 1) + c] = image.at(x + w * Double(c) / Double(n), py) }
        }
        var cells = [Double](repeating: 0, count: n * n)
        var mean = 0.0
        for r in 0..<n {
            for c in 0..<n {
                let v = corners[(r + 1) * (n + 1) + c + 1] - corners[r * (n + 1) + c + 1] - corners[(r + 1) * (n + 1) + c] + corners[r * (n + 1) + c]
                cells[r * n + c] = v
                mean += v
            }
        }
        mean /= Double(n * n)
        var norm = 0.0
        for i in 0..<(n * n) { cells[i] -= mean; norm += cells[i] * cells[i] }
        let scale = norm > 1e-9 ? 1 / norm.squareRoot() : 0
        return cells.map { Float($0 * scale) }
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in 0..<a.count { sum += a[i] * b[i] }
        return sum
    }

    /// Searches the picture for every template; returns the best hit per template within `threshold`.
    public func search(_ image: WorkingImage, templates: [Template], threshold: Int) -> [Hit] {
        guard !templates.isEmpty else { return [] }
        // Whole-reference templates share windows within ±5% of aspect; centre templates, whose
        // windows are tied to the picture's edges, within ±1%.
        var buckets: [(aspect: Double, fraction: Double, members: [Int])] = []
        for (i, t) in templates.enumerated() {
            let tolerance = t.fraction < 1 ? 0.01 : 0.05
            if let b = buckets.firstIndex(where: { $0.fraction == t.fraction && abs(log($0.aspect / t.aspect)) < tolerance }) {
                buckets[b].members.append(i)
            } else {
                buckets.append((t.aspect, t.fraction, [i]))
            }
        }
        var out: [Hit] = []
        for bucket in buckets {
            // Best candidates per template: (correlation, window).
            var candidates = [[(Float, Window)]](repeating: [], count: bucket.members.count)
            let crop = bucket.fraction < 1
            let candidateWindows = crop ? cropWindows(in: image, aspect: bucket.aspect, fraction: bucket.fraction)
                                        : windows(in: image, aspect: bucket.aspect)
            for window in candidateWindows {
                let grid = normalisedGrid(image, n: 8, x: window.x, y: window.y, w: window.w, h: window.h)
                for (k, member) in bucket.members.enumerated() {
                    let score = PartMatcher.dot(grid, templates[member].grid8)
                    guard score >= (crop ? cropCoarseCorrelation : coarseCorrelation) else { continue }
                    candidates[k].append((score, window))
                    if candidates[k].count > candidatesPerReference * 8 {
                        candidates[k].sort { $0.0 > $1.0 }
                        candidates[k].removeLast(candidates[k].count - candidatesPerReference * 4)
                    }
                }
            }
            for (k, member) in bucket.members.enumerated() {
                let template = templates[member]
                var best: Hit?
                for (_, window) in candidates[k].sorted(by: { $0.0 > $1.0 }).prefix(candidatesPerReference) {
                    var hit = refine(image, start: window, template: template)
                    hit.template = member
                    if hit.distance < (best?.distance ?? Int.max) { best = hit }
                    if hit.distance <= threshold / 2 { break }
                }
                if let best, best.distance <= threshold { out.append(best) }
            }
        }
        return out.sorted { $0.distance < $1.distance }
    }

    private func valid(_ c: Window, _ image: WorkingImage) -> Bool {
        let W = Double(image.width), H = Double(image.height)
        return c.x >= -0.01 && c.y >= -0.01 && c.x + c.w <= W + 0.01 && c.y + c.h <= H + 0.01 && c.w * c.h >= minimumAreaFraction * W * H * 0.9
    }

    private func clamped(_ c: Window, _ image: WorkingImage) -> Window {
        Window(x: max(0, c.x), y: max(0, c.y), w: min(c.w, Double(image.width) - max(0, c.x)), h: min(c.h, Double(image.height) - max(0, c.y)))
    }

    /// Hill-climbs the 16x16 correlation over position and scale, then the Hamming distance.
    func refine(_ image: WorkingImage, start: Window, template: Template) -> Hit {
        func neighbours(_ w: Window, _ step: Double, _ scale: Double) -> [Window] {
            var out: [Window] = []
            for (dx, dy) in [(-1.0, 0.0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1)] {
                out.append(Window(x: w.x + dx * step, y: w.y + dy * step, w: w.w, h: w.h))
            }
            for f in [scale, 1 / scale] {
                let nw = w.w * f, nh = w.h * f
                out.append(Window(x: w.x - (nw - w.w) / 2, y: w.y - (nh - w.h) / 2, w: nw, h: nh))
                out.append(Window(x: w.x, y: w.y, w: nw, h: nh))
                out.append(Window(x: w.x + w.w - nw, y: w.y + w.h - nh, w: nw, h: nh))
            }
            return out
        }
        var current = start
        var score = PartMatcher.dot(normalisedGrid(image, n: 16, x: current.x, y: current.y, w: current.w, h: current.h), template.grid16)
        var step = min(start.w, start.h) / 16
        var scale = 1.04
        while step >= 0.25 {
            var improved = true
            var rounds = 0
            while improved && rounds < 20 {
                improved = false
                rounds += 1
                for c in neighbours(current, step, scale) where valid(c, image) {
                    let k = clamped(c, image)
                    let s = PartMatcher.dot(normalisedGrid(image, n: 16, x: k.x, y: k.y, w: k.w, h: k.h), template.grid16)
                    if s > score { score = s; current = k; improved = true }
                }
            }
            step /= 2
            scale = 1 + (scale - 1) / 2
        }
        var distance = windowHash(image, x: current.x, y: current.y, w: current.w, h: current.h).hash.distance(to: template.hash)
        var improved = true
        var rounds = 0
        while improved && rounds < 10 {
            improved = false
            rounds += 1
            for c in neighbours(current, 0.5, 1.005) where valid(c, image) {
                let k = clamped(c, image)
                let d = windowHash(image, x: k.x, y: k.y, w: k.w, h: k.h).hash.distance(to: template.hash)
                if d < distance { distance = d; current = k; improved = true }
            }
        }
        return Hit(entry: template.entry, template: 0, distance: distance, window: current)
    }
}
