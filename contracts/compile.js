// Compiles contracts/*.sol with the solc pinned in tools/package.json (solcjs, optimizer on, no metadata hash so
// the output is byte-for-byte reproducible) and writes one {contractName, abi, bytecode, deployedBytecode, compiler}
// JSON per contract into the directory given as the first argument.
// Usage: node contracts/compile.js <outDir>
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const solc = require(path.join(root, 'tools/node_modules/solc'));

const sources = {
  'InfernetPayment.sol': 'contracts/InfernetPayment.sol',
  'test/TestUSDC.sol': 'contracts/test/TestUSDC.sol',
};
const input = {
  language: 'Solidity',
  sources: Object.fromEntries(Object.entries(sources).map(([k, f]) =>
    [k, { content: fs.readFileSync(path.join(root, f), 'utf8') }])),
  settings: {
    optimizer: { enabled: true, runs: 10000 },
    viaIR: true,
    evmVersion: 'cancun',
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter(e => e.severity === 'error');
for (const e of out.errors || []) process.stderr.write(e.formattedMessage + '\n');
if (errors.length) process.exit(1);

const outDir = process.argv[2];
if (!outDir) { process.stderr.write('usage: node contracts/compile.js <outDir>\n'); process.exit(2); }
fs.mkdirSync(outDir, { recursive: true });
for (const [file, contracts] of Object.entries(out.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    const artifact = {
      contractName: name,
      source: sources[file],
      compiler: 'solc ' + solc.version(),
      settings: input.settings,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, name + '.json'), JSON.stringify(artifact, null, 1) + '\n');
  }
}
