import VPBXText

/// The header fields of a message in arrival order. Names are matched case-insensitively and
/// compact forms (`i`, `v`, `m`, ...) are expanded at insertion, so `headers["Call-ID"]` finds an
/// `i:` line. Typed views (`Via`, `CSeq`, ...) parse on demand, except that the parser memoizes
/// From, To, the top Via, CSeq and Call-ID of every message it reads (`SIPHeaders+Memo.swift`).
///
/// Storage: every field's value (and the name of any header not in ``SIPHeaderName``'s
/// table) is bytes in one array, and a field is a trivial slot of offsets and a name number.
/// A message read from the wire is two allocations however many lines it has, copying or
/// dropping it is two reference counts, and a response copies the request's lines as bytes.
/// With a `String` per value (up to stop 30) a call's messages cost about 40 allocations in
/// the parser and a reference count per line wherever a message was dropped or changed.
/// Values are decoded into `String`s only when read as such.
public struct SIPHeaders: Sendable, Equatable, Sequence {
    /// One field as its users see it.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        /// Lower-cased canonical name, the lookup key.
        let key: String
    }

    /// Where one field is: its name's number (0: the name is spelled in `text` at
    /// `nameStart`) and its value's bytes in `text`.
    struct Slot: Sendable {
        var id: UInt16
        var nameStart: UInt32
        var nameCount: UInt32
        var valueStart: UInt32
        var valueCount: UInt32
    }

    private var text: [UInt8] = []
    /// What a message built line by line reserves at its first line (a request the core
    /// sends has about ten lines and 300-400 bytes in them; 480 and an array's header fill
    /// one of the allocator's 512-byte classes).
    static let builtLines = 12
    static let builtBytes = 480
    private var slots: [Slot] = []
    /// The parsed From, To, top Via and CSeq; see `SIPHeaders+Memo.swift`.
    var memoBox: MemoBox?

    public init() {}

    public init(_ pairs: [(String, String)]) {
        for (name, value) in pairs { add(name, value) }
    }

    public var count: Int { slots.count }

    /// How many fields fit without growing (tests of the kept messages' size).
    var fieldCapacity: Int { slots.capacity }

    /// How many bytes of names and values fit without growing, and how many are stored (old
    /// values a change left behind included): tests of the kept messages' size.
    var byteCapacity: Int { text.capacity }
    var storedBytes: Int { text.count }

    /// Room for `count` fields, for a parser that knows how many lines follow.
    public mutating func reserveCapacity(_ count: Int) { slots.reserveCapacity(count) }

    /// Room for `count` fields and `bytes` bytes of names and values.
    mutating func reserveCapacity(_ count: Int, bytes: Int) {
        slots.reserveCapacity(count)
        text.reserveCapacity(bytes)
    }

    /// Equal fields, names compared as spelled: the memo is derived from them.
    public static func == (lhs: SIPHeaders, rhs: SIPHeaders) -> Bool {
        guard lhs.slots.count == rhs.slots.count else { return false }
        return lhs.text.withUnsafeBufferPointer { left in
            rhs.text.withUnsafeBufferPointer { right in
                for (a, b) in zip(lhs.slots, rhs.slots) {
                    guard a.id == b.id, a.valueCount == b.valueCount, a.nameCount == b.nameCount else { return false }
                    guard left[a.valueStart, a.valueCount].elementsEqual(right[b.valueStart, b.valueCount]) else { return false }
                    if a.id == 0, !left[a.nameStart, a.nameCount].elementsEqual(right[b.nameStart, b.nameCount]) { return false }
                }
                return true
            }
        }
    }

    // MARK: Reading

    /// The first field named `name`, or nil.
    public subscript(name: String) -> String? {
        get { self[SIPHeaderName.named(name)] }
        set { set(SIPHeaderName.resolve(name), newValue) }
    }

    subscript(name: SIPHeaderName) -> String? {
        guard let index = firstIndex(of: name) else { return nil }
        return value(at: index)
    }

    public func contains(_ name: String) -> Bool { firstIndex(of: SIPHeaderName.named(name)) != nil }

    /// Every raw line value for `name`, in order.
    public func lines(_ name: String) -> [String] {
        let name = SIPHeaderName.named(name)
        var result: [String] = []
        for index in slots.indices where matches(index, name) { result.append(value(at: index)) }
        return result
    }

    /// Every element of a list header (`Via`, `Contact`, `Route`, ...), with comma-joined lines
    /// split apart. Headers whose values may contain commas (auth, dates) must use `lines`.
    public func values(_ name: String) -> [String] {
        lines(name).flatMap { HeaderValueScanner.splitList(Substring($0)).map(String.init) }
    }

    /// The first element of a list header, as `values(name).first` but without splitting the
    /// lines after the one it is on.
    public func firstValue(_ name: String) -> Substring? {
        let name = SIPHeaderName.named(name)
        for index in slots.indices where matches(index, name) {
            if let first = HeaderValueScanner.firstElement(of: Substring(value(at: index))) { return first }
        }
        return nil
    }

    /// How many lines are named `name`.
    func count(of name: SIPHeaderName) -> Int {
        var count = 0
        for index in slots.indices where matches(index, name) { count += 1 }
        return count
    }

    public func makeIterator() -> Iterator { Iterator(headers: self) }

    public struct Iterator: IteratorProtocol {
        let headers: SIPHeaders
        var index = 0

        public mutating func next() -> Field? {
            guard index < headers.slots.count else { return nil }
            defer { index += 1 }
            let slot = headers.slots[index]
            let name = headers.name(at: index)
            return Field(name: name, value: headers.value(at: index), key: slot.id == 0 ? name.lowercased() : SIPHeaderName(id: slot.id).key)
        }
    }

    // MARK: Changing

    /// Appends a field, expanding a compact name to its full form.
    public mutating func add(_ name: String, _ value: String) {
        let (resolved, canonical) = SIPHeaderName.resolve(name)
        append(resolved, canonical: canonical, value: value)
    }

    /// Inserts a field before all others of any name (used for a new top Via or Record-Route).
    public mutating func prepend(_ name: String, _ value: String) {
        let (resolved, canonical) = SIPHeaderName.resolve(name)
        append(resolved, canonical: canonical, value: value)
        slots.insert(slots.removeLast(), at: 0)
    }

    public mutating func remove(_ name: String) {
        let name = SIPHeaderName.named(name)
        forgetMemo(name)
        let text = self.text
        slots.removeAll { Self.matches($0, name, in: text) }
    }

    /// Removes the first list element of `name` (e.g. our own Via on a response), whether it
    /// stands alone on a line or first in a comma-separated line.
    public mutating func removeFirstValue(_ name: String) {
        let name = SIPHeaderName.named(name)
        guard let index = firstIndex(of: name) else { return }
        forgetMemo(name)
        let elements = HeaderValueScanner.splitList(Substring(value(at: index)))
        if elements.count <= 1 {
            slots.remove(at: index)
        } else {
            setValue(at: index, elements.dropFirst().joined(separator: ", "))
        }
    }

    /// Appends `other`'s lines named `name` as they are, as a response copies the request's
    /// Vias: their bytes, no lookup of the name.
    mutating func appendFields(of name: SIPHeaderName, from other: SIPHeaders) {
        for index in other.slots.indices where other.matches(index, name) { appendField(at: index, of: other) }
        forgetMemo(name)
    }

    /// Appends `other`'s first line named `name` as it is (its bytes), with `suffix` appended
    /// to its value; `parsed` is the changed value parsed, kept as the parser would keep it.
    mutating func appendFirstField(of name: SIPHeaderName, from other: SIPHeaders, appending suffix: String = "", parsed: NameAddress? = nil) {
        guard let index = other.firstIndex(of: name) else { return }
        let isFirst = firstIndex(of: name) == nil
        appendField(at: index, of: other)
        forgetMemo(name)
        guard !suffix.isEmpty else { return }
        slots[slots.count - 1].valueCount += store(suffix.utf8).count
        if isFirst, let parsed { memoize(parsed, as: name) }
    }

    /// The bytes of the names and values of the lines named one of `names`.
    func byteCount(of names: [SIPHeaderName]) -> Int {
        var bytes = 0
        for index in slots.indices where names.contains(where: { matches(index, $0) }) {
            bytes += Int(slots[index].nameCount + slots[index].valueCount)
        }
        return bytes
    }

    /// Only the lines named one of `names`, in their order, in storage of their own size; the
    /// memoized values (From, To, top Via, CSeq, Call-ID) come along when their lines do.
    func keeping(_ names: [SIPHeaderName]) -> SIPHeaders {
        var kept = SIPHeaders()
        kept.reserveCapacity(names.reduce(0) { $0 + count(of: $1) }, bytes: byteCount(of: names))
        for index in slots.indices where names.contains(where: { matches(index, $0) }) { kept.appendField(at: index, of: self) }
        kept.memoBox = memoBox
        for name in SIPHeaderName.memoized where !names.contains(name) { kept.forgetMemo(name) }
        return kept
    }

    /// The same fields without the memoized values (From, To, top Via, CSeq, Call-ID), for a
    /// message kept only to be sent again, for up to 64·T1; the typed accessors still parse
    /// on demand. The fields move to storage of their exact size (a response reserves room
    /// for the lines the core adds, and a changed value leaves its old bytes behind).
    public func withoutParsedValues() -> SIPHeaders {
        var headers = SIPHeaders()
        var bytes = 0
        for slot in slots { bytes += Int(slot.nameCount + slot.valueCount) }
        headers.reserveCapacity(slots.count, bytes: bytes)
        for index in slots.indices { headers.appendField(at: index, of: self) }
        return headers
    }

    /// Appends a field whose name and value are bytes (the parser's lines), the name already
    /// known to be a token.
    mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        let (resolved, canonical) = SIPHeaderName.resolve(String(decoding: name, as: UTF8.self))
        var slot = Slot(id: resolved.id, nameStart: 0, nameCount: 0, valueStart: 0, valueCount: 0)
        if resolved.id == 0 { (slot.nameStart, slot.nameCount) = store(canonical.utf8) }
        (slot.valueStart, slot.valueCount) = store(value)
        slots.append(slot)
        forgetMemo(resolved)
    }

    // MARK: Serializing

    /// The bytes ``write(to:skipping:)`` writes, for sizing a buffer up front.
    func serializedSize() -> Int {
        var size = 0
        for slot in slots {
            size += Int(slot.valueCount) + 4
            size += slot.id == 0 ? Int(slot.nameCount) : SIPHeaderName.canonicalBytes[Int(slot.id)].count
        }
        return size
    }

    /// Appends every field but those named `skipped` as `Name: value` lines.
    func write(to bytes: inout [UInt8], skipping skipped: SIPHeaderName) {
        text.withUnsafeBufferPointer { text in
            for index in slots.indices where !matches(index, skipped) {
                let slot = slots[index]
                if slot.id == 0 {
                    bytes.append(contentsOf: text[slot.nameStart, slot.nameCount])
                } else {
                    bytes.append(contentsOf: SIPHeaderName.canonicalBytes[Int(slot.id)])
                }
                bytes.append(58)  // ':'
                bytes.append(32)
                bytes.append(contentsOf: text[slot.valueStart, slot.valueCount])
                bytes.append(13)
                bytes.append(10)
            }
        }
    }

    // MARK: Storage

    func firstIndex(of name: SIPHeaderName) -> Int? {
        for index in slots.indices where matches(index, name) { return index }
        return nil
    }

    func matches(_ index: Int, _ name: SIPHeaderName) -> Bool { matches(slots[index], name) }

    private func matches(_ slot: Slot, _ name: SIPHeaderName) -> Bool { Self.matches(slot, name, in: text) }

    /// Static, for closures that change `slots` (`removeAll`) while they match.
    private static func matches(_ slot: Slot, _ name: SIPHeaderName, in text: [UInt8]) -> Bool {
        if name.id != 0 { return slot.id == name.id }
        guard slot.id == 0, Int(slot.nameCount) == name.otherKey.utf8.count else { return false }
        return text.withUnsafeBufferPointer { text in
            zip(text[slot.nameStart, slot.nameCount], name.otherKey.utf8).allSatisfy { ($0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0) == $1 }
        }
    }

    func value(at index: Int) -> String {
        let slot = slots[index]
        return text.withUnsafeBufferPointer { String(decoding: $0[slot.valueStart, slot.valueCount], as: UTF8.self) }
    }

    private func name(at index: Int) -> String {
        let slot = slots[index]
        guard slot.id == 0 else { return SIPHeaderName.canonicalNames[Int(slot.id)] }
        return text.withUnsafeBufferPointer { String(decoding: $0[slot.nameStart, slot.nameCount], as: UTF8.self) }
    }

    /// Calls `body` with the storage and the value's range in it, for reading by offset.
    func withValueBytes<Result>(at index: Int, _ body: (ByteText, Range<Int>) -> Result) -> Result {
        let slot = slots[index]
        return text.withUnsafeBufferPointer { body(ByteText(bytes: $0), Int(slot.valueStart)..<Int(slot.valueStart + slot.valueCount)) }
    }

    private mutating func append(_ name: SIPHeaderName, canonical: String, value: String) {
        if text.capacity == 0 {
            // A message built line by line: one allocation for the usual size instead of a
            // doubling every few lines. Slots a builder reserved itself (a dialog knows its
            // line count) are kept: reserving more would move them.
            if slots.capacity == 0 { slots.reserveCapacity(Self.builtLines) }
            text.reserveCapacity(Self.builtBytes)
        }
        var slot = Slot(id: name.id, nameStart: 0, nameCount: 0, valueStart: 0, valueCount: 0)
        if name.id == 0 { (slot.nameStart, slot.nameCount) = store(canonical.utf8) }
        (slot.valueStart, slot.valueCount) = store(value.utf8)
        let isFirstCallID = name == .callID && firstIndex(of: .callID) == nil
        slots.append(slot)
        forgetMemo(name)
        if isFirstCallID { memoizeCallID(value) }
    }

    private mutating func appendField(at index: Int, of other: SIPHeaders) {
        var slot = other.slots[index]
        other.text.withUnsafeBufferPointer { source in
            if slot.id == 0 { (slot.nameStart, slot.nameCount) = store(source[slot.nameStart, slot.nameCount]) }
            (slot.valueStart, slot.valueCount) = store(source[slot.valueStart, slot.valueCount])
        }
        slots.append(slot)
    }

    /// Replaces every field named `name` with one field, or removes them when `value` is nil.
    private mutating func set(_ resolved: (name: SIPHeaderName, canonical: String), _ value: String?) {
        let name = resolved.name
        forgetMemo(name)
        let text = self.text
        guard let value else {
            slots.removeAll { Self.matches($0, name, in: text) }
            return
        }
        guard let index = firstIndex(of: name) else {
            append(name, canonical: resolved.canonical, value: value)
            return
        }
        setValue(at: index, value)
        var keptFirst = false
        slots.removeAll { slot in
            guard Self.matches(slot, name, in: text) else { return false }
            defer { keptFirst = true }
            return keptFirst
        }
    }

    /// The new value goes to the end of the storage; the old bytes stay until the fields are
    /// copied (``withoutParsedValues()``, ``keeping(_:)``): a message is changed a few times
    /// while it is built, not in a loop.
    private mutating func setValue(at index: Int, _ value: String) {
        (slots[index].valueStart, slots[index].valueCount) = store(value.utf8)
    }

    private mutating func store(_ bytes: some Collection<UInt8>) -> (start: UInt32, count: UInt32) {
        let start = UInt32(text.count)
        text.append(contentsOf: bytes)
        return (start, UInt32(text.count) - start)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// `count` bytes from `start`, as a buffer of its own.
    fileprivate subscript(start: UInt32, count: UInt32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self[Int(start)..<Int(start + count)])
    }
}
