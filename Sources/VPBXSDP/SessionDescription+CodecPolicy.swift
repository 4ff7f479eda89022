extension SessionDescription {
    /// Audio encodings every vpbx leg can handle (DESIGN.md: G.711 plus RFC 4733 events).
    public static let defaultAudioEncodings: Set<String> = ["PCMU", "PCMA", "telephone-event"]

    /// This body with each enabled audio stream limited to the encodings in `allowed`
    /// (compared case-insensitively), keeping the offerer's order and dropping the
    /// `rtpmap`/`fmtp`/`rtcp-fb` lines of removed payload types. Formats we cannot identify
    /// (a dynamic type without rtpmap) are removed.
    ///
    /// An audio stream left with only `telephone-event`, or with nothing, is disabled (port 0),
    /// since events alone carry no voice.
    ///
    /// - Throws: `SDPError.noCommonCodec` when no audio stream keeps a voice codec; the
    ///   caller answers 488 Not Acceptable Here.
    public func restrictingAudio(to allowed: Set<String> = SessionDescription.defaultAudioEncodings) throws(SDPError)
        -> SessionDescription
    {
        let allowedNames = Set(allowed.map { $0.lowercased() })
        var result = self
        var kept = false
        for index in result.media.indices where result.media[index].isAudio && !result.media[index].isDisabled {
            var section = result.media[index]
            let maps = section.rtpMaps
            let keep = section.formats.filter { format in
                guard let type = Int(format), let map = maps[type] else { return false }
                return allowedNames.contains(map.encodingName.lowercased())
            }
            let keepSet = Set(keep)
            section.attributes.removeAll { attribute in
                guard ["rtpmap", "fmtp", "rtcp-fb"].contains(attribute.name.lowercased()),
                    let format = attribute.formatPrefix
                else { return false }
                return !keepSet.contains(format)
            }
            let hasVoice = keep.contains {
                Int($0).flatMap { maps[$0] }.map { !$0.hasEncoding("telephone-event") } ?? false
            }
            if hasVoice {
                section.formats = keep
                kept = true
            } else {
                // RFC 3264 §5.1 still wants a format on a disabled m-line: keep the first.
                section.port = 0
                section.formats = Array(section.formats.prefix(1))
            }
            result.media[index] = section
        }
        guard kept else {
            throw SDPError(
                .noCommonCodec,
                "no audio stream offers any of \(allowed.sorted().joined(separator: ", ")) (offered: \(offeredAudioSummary))"
            )
        }
        return result
    }

    /// This body as it is, once it is known to carry voice: an enabled audio stream with a
    /// format other than `telephone-event` or comfort noise. DESIGN.md lets codecs both legs
    /// agree on pass through a plain bridged call untouched (the relay forwards packets as
    /// they are), so the caller's offer is not cut down to G.711; the engine's own media
    /// features (applications, music on hold, listening in) pick G.711 from it when it is
    /// there, and refuse or step aside when it is not.
    ///
    /// - Throws: `SDPError.noCommonCodec` when no audio stream can carry voice (answer 488).
    public func requiringVoice() throws(SDPError) -> SessionDescription {
        for section in media where section.isAudio && !section.isDisabled {
            let maps = section.rtpMaps
            let voice = section.formats.contains { format in
                guard let type = Int(format), let map = maps[type] else { return true }  // unknown: not ours to judge
                return !map.hasEncoding("telephone-event") && !map.hasEncoding("CN")
            }
            if voice { return self }
        }
        throw SDPError(.noCommonCodec, "no audio stream carries voice (offered: \(offeredAudioSummary))")
    }

    /// "PCMU, G729, ..." for error messages.
    var offeredAudioSummary: String {
        let names = media.filter(\.isAudio).flatMap { $0.codecs.map(\.encodingName) }
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }
}
