import Foundation
import Logging
import VPBXACD

extension ControlHandlers {
    /// Hands the stored queue configuration to the queue runtime; called at start and after
    /// every successful `queue.*` or `agent.*` change.
    func reloadQueues() async throws {
        // Seam: the queue runtime (QueueCenter) takes this configuration once it is merged.
        let configuration = try await loadQueueConfiguration()
        logger.debug(
            "queue configuration loaded",
            metadata: ["queues": "\(configuration.queues.count)", "agents": "\(configuration.agents.count)"])
    }
}
