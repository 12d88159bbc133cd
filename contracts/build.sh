#!/bin/sh
# Recompiles the contracts into the artifacts the payments-evm bundle ships (commit the result).
# PaymentArtifactTest fails when the shipped artifacts no longer match this output.
set -e
cd "$(dirname "$0")/.."
node contracts/compile.js bundles/payments-evm/src/main/resources/net/infernet/payments/evm
