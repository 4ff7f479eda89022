// VPBXRTP: placeholder until the layer lands.
