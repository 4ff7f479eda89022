// VPBXControl: placeholder until the layer lands.
