// VPBXNetwork: placeholder until the layer lands.
