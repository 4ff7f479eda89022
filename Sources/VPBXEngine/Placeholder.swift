// VPBXEngine: placeholder until the layer lands.
