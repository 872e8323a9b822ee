import { describe, expect, it } from 'vitest';
import { awsVpcCniLayer } from '../../../src/config/aws-vpc-cni.ts';
import type { Finding } from '../../../src/model/reasons.ts';
import { awsNode } from '../../support/datapath-builders.ts';

function layer(env: Record<string, string>) {
  const warnings: Finding[] = [];
  return { layer: awsVpcCniLayer(awsNode().env(env).build(), [], warnings), warnings };
}

// aws/amazon-vpc-cni-k8s: EXTERNALSNAT through pkg/networkutils/network.go `useExternalSNAT` →
// `getBoolEnvVar(envExternalSNAT, false)`; ENABLE_IPv6 through utils/utils.go
// `GetBoolAsStringEnvVar(envEnableIPv6, false)` (pkg/ipamd/ipamd.go `isIPv6Enabled`, cmd/aws-vpc-cni).
// Both are strconv.ParseBool, and a value it refuses means the default.
describe("the VPC CNI's boolean environment, read with strconv.ParseBool", () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('reads EXTERNALSNAT=%s as true', (value) => {
    expect(layer({ AWS_VPC_K8S_CNI_EXTERNALSNAT: value }).layer.externalSNAT).toBe(true);
  });

  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('reads EXTERNALSNAT=%s as false, without a warning', (value) => {
    expect(layer({ AWS_VPC_K8S_CNI_EXTERNALSNAT: value })).toMatchObject({
      layer: { externalSNAT: false },
      warnings: [],
    });
  });

  it.each(['TrUe', 'yes', 'on', 'y', ' true'])('takes EXTERNALSNAT=%j for the default, false, and warns', (value) => {
    const { layer: l, warnings } = layer({ AWS_VPC_K8S_CNI_EXTERNALSNAT: value });
    expect(l.externalSNAT).toBe(false);
    expect(warnings).toMatchObject([
      { code: 'AWS_ENV_BOOL_INVALID', data: { name: 'AWS_VPC_K8S_CNI_EXTERNALSNAT', value, fallback: 'false' } },
    ]);
  });

  it.each([
    ['TRUE', true],
    ['1', true],
    ['TrUe', false],
    ['enabled', false],
  ])('reads ENABLE_IPv6=%s as %s', (value, ipv6) => {
    expect(layer({ ENABLE_IPv6: value }).layer.ipv6).toBe(ipv6);
  });

  it('treats an empty value as unset, without a warning', () => {
    expect(layer({ AWS_VPC_K8S_CNI_EXTERNALSNAT: '' })).toMatchObject({ layer: { externalSNAT: false }, warnings: [] });
  });
});

// pkg/networkutils/network.go `parseCIDRString`; pkg/sgpp/utils.go `LoadEnforcingModeFromEnv`.
describe('the other VPC CNI settings, parsed as the CNI parses them', () => {
  it.each([
    ['trims spaces around entries', ' 10.50.0.0/16 , 172.16.0.0/12', ['10.50.0.0/16', '172.16.0.0/12']],
    ['skips an entry net.ParseCIDR refuses', '10.50.0.0/16,not-a-cidr,10.256.0.0/16', ['10.50.0.0/16']],
    ['skips IPv6 entries', '2600::/16,10.50.0.0/16', ['10.50.0.0/16']],
    [
      'keeps the network Go prints: host bits cleared, decimal prefix',
      '10.50.3.4/16,10.60.0.0/016',
      ['10.50.0.0/16', '10.60.0.0/16'],
    ],
    ['reads an IPv4-mapped block as the IPv4 block (To4 is not nil)', '::ffff:10.50.0.0/112', ['10.50.0.0/16']],
  ])('AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS %s', (_name, value, cidrs) => {
    expect(layer({ AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: value }).layer.excludeSnatCIDRs).toEqual(cidrs);
  });

  it.each([
    ['standard', 'standard'],
    ['strict', 'strict'],
    ['Standard', 'strict'],
    ['', 'strict'],
  ])('reads POD_SECURITY_GROUP_ENFORCING_MODE=%j as %s', (value, mode) => {
    expect(layer({ POD_SECURITY_GROUP_ENFORCING_MODE: value }).layer.podSecurityGroupMode).toBe(mode);
  });
});
