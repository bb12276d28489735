// An example workload: what an agent's generated JavaScript might look like.
const words = ['micro', 'vm', 'sandbox', 'agent']
const longest = words.toSorted((a, b) => b.length - a.length)[0]
setTimeout(() => console.log('a timer fired after 10 ms'), 10)
await new Promise((resolve) => setTimeout(resolve, 20))
console.log(`longest word: ${longest}; QuickJS in a Hyperlight micro-VM`)
