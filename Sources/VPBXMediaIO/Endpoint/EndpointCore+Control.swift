import NIOCore
import VPBXMedia
import VPBXRTP

/// What the application asks of the endpoint: playback, recording, keys, closing. All on the loop.
extension EndpointCore {
    func startPlayback(_ items: [PlayItem], waiter: CheckedContinuation<PlaybackOutcome, Never>) {
        guard !isClosed else { return waiter.resume(returning: .closed) }
        endPlayback(.stopped)
        player = Player(items)
        playWaiter = waiter
    }

    /// Ends the playback in progress (if any) and tells its caller how.
    func endPlayback(_ outcome: PlaybackOutcome) {
        player = nil
        let waiter = playWaiter
        playWaiter = nil
        waiter?.resume(returning: outcome)
    }

    func startRecording(_ configuration: RecorderConfiguration, waiter: CheckedContinuation<Recording, Never>) {
        guard !isClosed else { return waiter.resume(returning: Recording(reason: .stopped, samples: [])) }
        stopRecording()
        recorder = Recorder(configuration: configuration)
        recordWaiter = waiter
    }

    func stopRecording() {
        guard var current = recorder else { return }
        endRecording(current.stop())
    }

    func endRecording(_ recording: Recording) {
        recorder = nil
        let waiter = recordWaiter
        recordWaiter = nil
        waiter?.resume(returning: recording)
    }

    /// A key from any source: barge-in first, then a recording's stop key, else the stream.
    func deliver(_ digit: DTMFDigit) {
        guard !isClosed else { return }
        statistics.keysReceived += 1
        if var current = player, let action = current.receive(digit), case .interrupted(let key) = action {
            endPlayback(.interrupted(key))
            return
        }
        if var current = recorder {
            let action = current.receive(digit)
            recorder = current
            if case .stopped(let recording) = action {
                endRecording(recording)
                return
            }
        }
        digitSink.yield(digit)
    }

    func queueDigits(_ digits: [DTMFDigit]) {
        guard !isClosed else { return }
        guard parameters.telephoneEventPayloadType != nil else {
            logger.info("keys not sent: the peer did not negotiate telephone-event", metadata: ["port": "\(pair.port)"])
            return
        }
        pendingDigits += digits
    }

    func setRemote(_ address: SocketAddress) {
        expectedRemote = address
        if !isLatched { remote = address }
    }

    func relatch() {
        isLatched = false
        rtcpRemote = nil
        if let expectedRemote { remote = expectedRemote }
    }

    /// Stops the clock and answers everyone still waiting; the caller closes the sockets.
    /// - Returns: whether this call closed it (false when it already was).
    @discardableResult
    func close() -> Bool {
        guard !isClosed else { return false }
        isClosed = true
        scheduled?.cancel()
        scheduled = nil
        endPlayback(.closed)
        stopRecording()
        digitSink.finish()
        return true
    }
}
