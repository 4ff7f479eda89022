// VPBXSIP: placeholder until the layer lands.
