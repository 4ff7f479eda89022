import Testing

@testable import VPBXPBX

/// Which queue a call was answered from, read from its path: what a queue that records its
/// calls (`vpbx queue set Q --record on`) goes by.
@Suite("Queue recording: the answering queue")
struct QueueRecordingPathTests {
    @Test("the last queue step is the offer an agent answered; a caller who left the queue was not answered from it")
    func answeringQueue() {
        #expect(PBXCore.answeringQueue(in: ["route:300", "queue:sales", "queue:sales=offer", "ext:1002"]) == "sales")
        // Moved by a supervisor, answered from the second queue.
        let moved = ["route:300", "queue:sales", "queue:sales=moved", "queue:vip", "queue:vip=offer", "ext:1003"]
        #expect(PBXCore.answeringQueue(in: moved) == "vip")
        // Overflowed to an extension, or never through a queue.
        #expect(PBXCore.answeringQueue(in: ["route:300", "queue:sales", "queue:sales=timeout", "ext:1001"]) == nil)
        #expect(PBXCore.answeringQueue(in: ["route:300", "ext:1001"]) == nil)
        #expect(PBXCore.answeringQueue(in: []) == nil)
    }
}
