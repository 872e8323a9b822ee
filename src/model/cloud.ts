/**
 * The clouds whose 1:1 NAT of a node's ExternalIP we model (design §4). Its own file because both
 * the snapshot's nodes and the datapath's node scopes name it.
 */
export type CloudProvider = 'gce' | 'aws' | 'azure';
