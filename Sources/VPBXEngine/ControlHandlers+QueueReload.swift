import Foundation
import Logging
import VPBXACD

extension ControlHandlers {
    /// Hands the stored queue configuration to the queue runtime; called at start and after
    /// every successful `queue.*` or `agent.*` change.
    func reloadQueues() async throws {
        let configuration = try await loadQueueConfiguration()
        await queueCenter.apply(queues: configuration.queues, agents: configuration.agents)
        await pbx.setRecordedQueues(configuration.recorded)
        logger.debug(
            "queue configuration applied",
            metadata: ["queues": "\(configuration.queues.count)", "agents": "\(configuration.agents.count)"])
    }
}
