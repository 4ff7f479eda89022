// VPBXTerminal: placeholder until the layer lands.
