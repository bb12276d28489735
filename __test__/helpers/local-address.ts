// The address the micro-VM network tests serve from: the engine refuses loopback under every allow list, so
// a server the guest may reach must listen on an address of this machine outside 127/8.
import { networkInterfaces } from 'node:os'

/**
 * An IPv4 address of this machine outside 127/8: an interface's own, else one given to `lo` (the test VM's
 * init gives it 10.99.0.1).
 */
export function localAddress(): string {
  const all = Object.values(networkInterfaces()).flat()
  const ipv4 = (a: (typeof all)[number]) => a !== undefined && a.family === 'IPv4' && !a.address.startsWith('127.')
  const found = all.find((a) => ipv4(a) && !a!.internal) ?? all.find(ipv4)
  if (!found) throw new Error('this machine has no IPv4 address outside 127/8 to serve the guest from')
  return found.address
}
