import NIOCore
import NIOPosix
import Testing
import VPBXMedia
import VPBXMediaIO
import VPBXNetwork
import VPBXRTP

extension MediaEndpointTests {
    @Suite("sending: pacing, playback, keys, RTCP, closing")
    struct SendTests {
        @Test func playsAToneAsEvenlyPacedNumberedFrames() async throws {
            let relay = try makeRelay()
            let peer = try await TestPeer.bind()
            let endpoint = try await MediaEndpoint.open(
                relay: relay, bindHost: "127.0.0.1",
                parameters: MediaChannelParameters(law: .ulaw, remoteHost: "127.0.0.1", remotePort: peer.port))
            let tone = Tone(frequencies: [1000], level: -10, cadence: .continuous)
            let outcome = await endpoint.play([.tone(tone, milliseconds: 1000)])
            #expect(outcome == .finished)
            try await Task.sleep(for: .milliseconds(100))
            let packets = peer.rtp
            await endpoint.close()
            await peer.close()

            #expect(packets.count >= 55)
            #expect(packets.allSatisfy { $0.packet.header.payloadType == 0 && $0.packet.payload.count == 160 })
            #expect(packets.first?.packet.header.marker == true)
            #expect(packets.dropFirst().allSatisfy { !$0.packet.header.marker })
            for (previous, next) in zip(packets, packets.dropFirst()) {
                #expect(next.packet.header.sequenceNumber == previous.packet.header.sequenceNumber &+ 1)
                #expect(next.packet.header.timestamp == previous.packet.header.timestamp &+ 160)
                #expect(next.packet.header.ssrc == previous.packet.header.ssrc)
            }
            // No drift: packet n leaves n × 20 ms after the first. Measured where it arrives, so a
            // busy machine only ever adds delay: the least delayed packets of the first and of the
            // second half show where the sender's slots are, and those must not move apart.
            let first = packets[0].at
            let offsets = packets.enumerated().map { index, packet in
                Double((packet.at - first).nanoseconds) / 1e6 - Double(index * 20)
            }
            let half = offsets.count / 2
            let drift = offsets[half...].min()! - offsets[..<half].min()!
            #expect(abs(drift) < 4, "drift \(drift) ms; offsets \(offsets)")
            let median = offsets.sorted()[half]
            // Evenness is a sanity check only: other tests running in parallel delay arrivals.
            #expect(offsets.filter { abs($0 - median) < 8 }.count * 2 >= offsets.count, "offsets \(offsets)")
            let voicedPackets = packets.filter { G711.decode(.ulaw, $0.packet.payload).contains { $0 != 0 } }
            #expect(voicedPackets.count == 50)
            let voiced = voicedPackets.flatMap { G711.decode(.ulaw, $0.packet.payload) }
            #expect(abs(FrequencyEstimator.dominantFrequency(in: Array(voiced.prefix(7600))) - 1000) < 3)
        }

        @Test func aKeyInterruptsABargeInPromptAndIsNotRepeatedOnTheStream() async throws {
            let relay = try makeRelay()
            let peer = try await TestPeer.bind()
            let endpoint = try await MediaEndpoint.open(
                relay: relay, bindHost: "127.0.0.1",
                parameters: MediaChannelParameters(remoteHost: "127.0.0.1", remotePort: peer.port))
            let playing = Task { await endpoint.play([.tone(.ringback)], bargeIn: true) }
            try await Task.sleep(for: .milliseconds(100))
            var phone = PhoneStream(peer: peer, target: endpoint.localPort)
            try await phone.sendKey(.two)
            #expect(await playing.value == .interrupted(.two))

            // Without barge-in the key is not consumed: it goes to the stream.
            let unbroken = Task { await endpoint.play([.silence(milliseconds: 300)], bargeIn: false) }
            try await Task.sleep(for: .milliseconds(40))
            await endpoint.receiveSignalledDigit(.nine)
            #expect(await unbroken.value == .finished)
            var iterator = endpoint.digits.makeAsyncIterator()
            #expect(await iterator.next() == .nine)

            let replaced = Task { await endpoint.play([.tone(.ringback)]) }
            try await Task.sleep(for: .milliseconds(40))
            await endpoint.stopPlayback()
            #expect(await replaced.value == .stopped)
            await endpoint.close()
            #expect(await endpoint.play([.silence(milliseconds: 20)]) == .closed)
            await peer.close()
        }

        @Test func sendsKeysAsRFC4733Events() async throws {
            let relay = try makeRelay()
            let peer = try await TestPeer.bind()
            let endpoint = try await MediaEndpoint.open(
                relay: relay, bindHost: "127.0.0.1",
                parameters: MediaChannelParameters(
                    telephoneEventPayloadType: 96, remoteHost: "127.0.0.1", remotePort: peer.port))
            await endpoint.sendDigits([.one, .star])
            try await eventually("both keys sent") {
                peer.rtp.filter { $0.packet.header.payloadType == 96 && $0.packet.telephoneEvent?.event.isEnd == true }
                    .count >= 6
            }
            let events = peer.rtp.filter { $0.packet.header.payloadType == 96 }
            var receiver = TelephoneEventReceiver()
            var pressed: [DTMFDigit] = []
            for (packet, _) in events {
                for action in receiver.receive(packet.telephoneEvent!, ssrc: packet.header.ssrc) {
                    if case .pressed(let digit) = action { pressed.append(digit) }
                }
            }
            #expect(pressed == [.one, .star])
            #expect(events.filter { $0.packet.header.marker }.count == 2)
            let all = peer.rtp
            for (previous, next) in zip(all, all.dropFirst()) {
                #expect(next.packet.header.sequenceNumber == previous.packet.header.sequenceNumber &+ 1)
            }
            await endpoint.close()
            await peer.close()
        }

        @Test func sendsSenderReportsToThePeersRTCPPort() async throws {
            let relay = try makeRelay()
            let rtp = try await TestPeer.bind()
            let rtcp = try await TestPeer.bind()
            let endpoint = try await MediaEndpoint.open(
                relay: relay, bindHost: "127.0.0.1",
                parameters: MediaChannelParameters(remoteHost: "127.0.0.1", remotePort: rtp.port),
                configuration: .init(rtcpInterval: .milliseconds(200)))
            var phone = PhoneStream(peer: rtp, target: endpoint.localPort)
            try await phone.sendTone(.beep(), frames: 2)
            // An empty receiver report (RFC 3550 §6.4.2) tells where the phone's RTCP comes from.
            try await rtcp.send([0x80, 201, 0, 1, 0x12, 0x34, 0x56, 0x78], to: endpoint.localPort + 1)
            try await eventually("a sender report") { !rtcp.received.isEmpty }
            let report = try #require(RTCPSenderReport(bytes: rtcp.received[0].bytes))
            #expect(report.ssrc == rtp.rtp.last?.packet.header.ssrc)
            #expect(report.packetCount > 0)
            #expect(await endpoint.statistics().rtcpReceived == 1)
            await endpoint.close()
            await rtp.close()
            await rtcp.close()
        }

        @Test func closingReleasesThePortsAndEndsTheStream() async throws {
            let relay = try makeRelay(pairs: 1)
            let endpoint = try await MediaEndpoint.open(
                relay: relay, bindHost: "127.0.0.1", parameters: MediaChannelParameters())
            #expect(endpoint.localPort % 2 == 0)
            #expect(relay.pool.inUseCount == 1)
            await #expect(throws: (any Error).self) {
                _ = try await MediaEndpoint.open(
                    relay: relay, bindHost: "127.0.0.1", parameters: MediaChannelParameters())
            }
            let recording = Task { await endpoint.record(RecorderConfiguration()) }
            try await Task.sleep(for: .milliseconds(50))
            await endpoint.close()
            #expect(await recording.value.reason == .stopped)
            #expect(relay.pool.inUseCount == 0)
            var iterator = endpoint.digits.makeAsyncIterator()
            #expect(await iterator.next() == nil)
            await endpoint.close()
            // Both ports are free again: the only pair can be bound anew.
            let again = try await MediaEndpoint.open(
                relay: relay, bindHost: "127.0.0.1", parameters: MediaChannelParameters())
            #expect(again.localPort == endpoint.localPort)
            // A late second close of the old endpoint must not free the new one's port.
            await endpoint.close()
            #expect(relay.pool.inUseCount == 1)
            await again.close()
            #expect(relay.pool.inUseCount == 0)
        }
    }
}
