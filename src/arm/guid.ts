import { createHash } from 'node:crypto';

/** The namespace ARM uses for guid(); see shared/arm-templates/README.md. */
const ARM_GUID_NAMESPACE = '11fb06fb-712d-4ddd-98c7-e71bbd588830';

/** ARM's guid(...args): an RFC 4122 version-5 UUID over the arguments joined with '-'. */
export function guid(...args: string[]): string {
  const namespace = Buffer.from(ARM_GUID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(args.join('-'), 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
