// VPBXStore: placeholder until the layer lands.
