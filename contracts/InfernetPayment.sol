// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Infernet payment contract: client escrow in USDC, redemption of Compute Payment Receipts, operator payouts.
/// Version 2 (EIP-712 domain version "2"): receipts are de-duplicated by job serial across all nodes. Version 1
/// de-duplicated by node and serial, so two nodes' receipts for one job were both redeemable (docs/payments.md,
/// "Contract versions").
/// @notice Guarantees (see docs/payments.md):
///  - escrow leaves only through (a) a receipt signed by a registered node key AND countersigned by the platform
///    signer, paid to the node's operator minus the platform fee, or (b) a withdrawal by an address linked to the
///    client account, 24 hours after it was requested;
///  - an operator balance leaves only through withdraw() by that operator, to its payout address;
///  - every job is paid at most once: a receipt's serial is its job's number, which the control plane assigns
///    when it accepts the job and keeps when the job runs again, and each serial is redeemed at most once (one
///    bitmap for all nodes), so a second receipt for the same job (a re-run after a crash, another node) reverts;
///  - no owner function moves escrow or operator balances; the fee is bounded by MAX_FEE_BPS.
contract InfernetPayment {
    // ---------------------------------------------------------------- types and constants

    /// The receipt exactly as in the EIP-712 type (contracts §3). Every field is a static 32-byte ABI word.
    struct Receipt {
        bytes32 jobId;
        address node;
        bytes32 client;
        bytes32 model;
        uint32 inputTokens;
        uint32 outputTokens;
        uint64 completedAt;
        uint64 value;
        uint64 serial;
    }

    /// A node key: the operator it earns for, until when it is valid (type(uint64).max while active, rotation
    /// time + 24 h once rotated out) and a nonce that makes each registration signature single-use.
    struct Node {
        address operator;
        uint64 validUntil;
        uint32 nonce;
    }

    /// A client's pending withdrawal of unused escrow.
    struct EscrowWithdrawal {
        address payer;
        uint64 unlockAt;
        uint256 amount;
    }

    bytes32 public constant RECEIPT_TYPEHASH = keccak256(
        "Receipt(bytes32 jobId,address node,bytes32 client,bytes32 model,uint32 inputTokens,uint32 outputTokens,uint64 completedAt,uint64 value,uint64 serial)"
    );
    bytes32 public constant NODE_REGISTRATION_TYPEHASH =
        keccak256("NodeRegistration(address node,address operator,uint32 nonce)");
    bytes32 public constant NODE_ROTATION_TYPEHASH =
        keccak256("NodeRotation(address oldNode,address newNode,uint32 nonce)");
    bytes32 public constant PAYER_LINK_TYPEHASH =
        keccak256("PayerLink(bytes32 client,address payer,uint64 deadline)");
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    uint256 public constant MAX_FEE_BPS = 3000; // 30 %
    uint256 public constant ROTATION_GRACE = 24 hours;
    uint256 public constant ESCROW_WITHDRAWAL_DELAY = 24 hours;
    uint64 private constant ACTIVE = type(uint64).max;
    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    // ---------------------------------------------------------------- state

    /// The ERC-20 stablecoin (USDC, 6 decimals) escrow and payouts are held in.
    address public immutable token;
    uint256 private immutable cachedChainId;
    bytes32 private immutable cachedDomainSeparator;

    address public owner;
    address public platformSigner;
    uint16 public feeBps;
    uint256 public feeBalance;

    mapping(bytes32 => uint256) public escrowOf;
    mapping(bytes32 => mapping(address => bool)) public isPayer;
    mapping(bytes32 => EscrowWithdrawal) public pendingEscrowWithdrawal;
    mapping(address => Node) public nodes;
    /// job serial / 256 => bit set per redeemed serial (one bitmap for every node: a job is paid once)
    mapping(uint256 => uint256) public redeemedBitmap;
    /// operator => redeemed, not yet withdrawn micro-USDC
    mapping(address => uint256) public balanceOf;
    mapping(address => address) public payoutAddressOf;

    // ---------------------------------------------------------------- events

    event Deposited(bytes32 indexed client, address indexed from, uint256 amount);
    event PayerLinked(bytes32 indexed client, address indexed payer);
    event EscrowWithdrawalRequested(bytes32 indexed client, address indexed payer, uint256 amount, uint64 unlockAt);
    event EscrowWithdrawalCancelled(bytes32 indexed client, address indexed payer);
    event EscrowWithdrawn(bytes32 indexed client, address indexed payer, uint256 amount);
    event NodeRegistered(address indexed node, address indexed operator);
    event NodeRotated(address indexed oldNode, address indexed newNode, address indexed operator, uint64 oldValidUntil);
    /// One per redeemed-bitmap word a batch writes: `bits` are the job serials wordIndex * 256 + i newly redeemed.
    event SerialsRedeemed(uint256 indexed wordIndex, uint256 bits);
    /// One per run of consecutive receipts of the same client in a batch: the escrow charged.
    event EscrowCharged(bytes32 indexed client, uint256 amount);
    /// One per run of consecutive receipts of the same node in a batch: what its operator was credited.
    event OperatorCredited(address indexed operator, address indexed node, uint256 gross, uint256 fee);
    event PayoutAddressSet(address indexed operator, address indexed payoutAddress);
    event Withdrawn(address indexed operator, address indexed to, uint256 amount);
    event FeeChanged(uint16 feeBps);
    event PlatformSignerChanged(address indexed signer);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event FeesWithdrawn(address indexed to, uint256 amount);

    // ---------------------------------------------------------------- errors

    error NotOwner();
    error ZeroAddress();
    error FeeTooHigh(uint256 feeBps);
    error EmptyBatch();
    error LengthMismatch();
    error MalformedSignature(uint256 index);
    error UnknownNode(uint256 index, address node);
    error NodeKeyExpired(uint256 index, address node);
    error BadNodeSignature(uint256 index);
    error BadPlatformSignature(uint256 index);
    error AlreadyRedeemed(uint256 index, bytes32 jobId, uint256 serial);
    error InsufficientEscrow(bytes32 client, uint256 needed, uint256 available);
    error NotLinkedPayer();
    error SignatureExpired();
    error BadSignature();
    error NodeNotActive(address node);
    error NodeAlreadyKnown(address node);
    error NoPendingWithdrawal();
    error WithdrawalLocked(uint64 unlockAt);
    error NothingToWithdraw();
    error TransferFailed();

    // ---------------------------------------------------------------- construction and admin

    constructor(address token_, address platformSigner_, uint16 feeBps_) {
        if (token_ == address(0) || platformSigner_ == address(0)) revert ZeroAddress();
        if (feeBps_ > MAX_FEE_BPS) revert FeeTooHigh(feeBps_);
        token = token_;
        owner = msg.sender;
        platformSigner = platformSigner_;
        feeBps = feeBps_;
        cachedChainId = block.chainid;
        cachedDomainSeparator = _buildDomainSeparator();
        emit OwnershipTransferred(address(0), msg.sender);
        emit PlatformSignerChanged(platformSigner_);
        emit FeeChanged(feeBps_);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    /// Changes the platform fee for receipts redeemed from now on; never above MAX_FEE_BPS.
    function setFeeBps(uint16 feeBps_) external onlyOwner {
        if (feeBps_ > MAX_FEE_BPS) revert FeeTooHigh(feeBps_);
        feeBps = feeBps_;
        emit FeeChanged(feeBps_);
    }

    /// Rotates the platform's countersigning key.
    function setPlatformSigner(address signer) external onlyOwner {
        if (signer == address(0)) revert ZeroAddress();
        platformSigner = signer;
        emit PlatformSignerChanged(signer);
    }

    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroAddress();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /// Withdraws the accumulated platform fees (and nothing else) to `to`.
    function withdrawFees(address to) external onlyOwner {
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = feeBalance;
        if (amount == 0) revert NothingToWithdraw();
        feeBalance = 0;
        emit FeesWithdrawn(to, amount);
        _transfer(to, amount);
    }

    // ---------------------------------------------------------------- EIP-712

    function domainSeparator() public view returns (bytes32) {
        return block.chainid == cachedChainId ? cachedDomainSeparator : _buildDomainSeparator();
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("Infernet"), keccak256("2"), block.chainid, address(this)));
    }

    function _typedDigest(bytes32 ds, bytes32 structHash) private pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, hex"1901")
            mstore(add(p, 2), ds)
            mstore(add(p, 34), structHash)
            digest := keccak256(p, 66)
        }
    }

    /// The digest both signatures of a receipt sign (what Receipts.digest computes in Java).
    function receiptDigest(Receipt calldata r) external view returns (bytes32) {
        return _typedDigest(domainSeparator(), _receiptStructHash(r));
    }

    function _receiptStructHash(Receipt calldata r) private pure returns (bytes32 h) {
        // The receipt is 9 static ABI words in calldata: hash TYPEHASH ‖ words without copying field by field.
        // Dirty high bits in a word would only change the digest, so the signatures would not verify.
        bytes32 typeHash = RECEIPT_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typeHash)
            calldatacopy(add(p, 32), r, 288)
            h := keccak256(p, 320)
        }
    }

    /// ecrecover of a 65-byte r‖s‖v signature with v 27/28 and low s; address(0) when it does not recover.
    function _recover(bytes32 digest, bytes calldata sig) private view returns (address signer, bool wellFormed) {
        uint256 p;
        assembly {
            p := sub(sig.offset, 32)
        }
        return _recoverAt(digest, p);
    }

    /// The same for the signature whose length word is at calldata offset `p`. Reading past the end of calldata
    /// yields zeros, so a malformed offset gives length 0 and fails the length check.
    function _recoverAt(bytes32 digest, uint256 p) private view returns (address signer, bool wellFormed) {
        assembly ("memory-safe") {
            let r := calldataload(add(p, 32))
            let s := calldataload(add(p, 64))
            let v := byte(0, calldataload(add(p, 96)))
            wellFormed := and(eq(calldataload(p), 65), and(iszero(gt(s, HALF_N)), or(eq(v, 27), eq(v, 28))))
            if wellFormed {
                let m := mload(0x40)
                mstore(m, digest)
                mstore(add(m, 32), v)
                mstore(add(m, 64), r)
                mstore(add(m, 96), s)
                mstore(0, 0)
                pop(staticcall(gas(), 1, m, 128, 0, 32))
                signer := mload(0)
            }
        }
    }

    /// Calldata offset of the length word of element `i` of a bytes[] (i < length checked by the caller).
    function _elementAt(bytes[] calldata arr, uint256 i) private pure returns (uint256 p) {
        assembly {
            p := add(arr.offset, calldataload(add(arr.offset, shl(5, i))))
        }
    }

    function _recoverStrict(bytes32 digest, bytes calldata sig) private view returns (address signer) {
        bool ok;
        (signer, ok) = _recover(digest, sig);
        if (!ok || signer == address(0)) revert BadSignature();
    }

    // ---------------------------------------------------------------- clients: escrow

    /// Adds `amount` (micro-USDC) to a client account's escrow, pulled from the caller (approve first). Anyone may
    /// top up any account: escrow only ever leaves through receipts or a linked payer's delayed withdrawal.
    function deposit(bytes32 client, uint256 amount) external {
        escrowOf[client] += amount;
        emit Deposited(client, msg.sender, amount);
        _transferFrom(msg.sender, amount);
    }

    /// Links the caller as a payer of `client` (the account id keccak256(client_pubkey)). The control plane, which
    /// knows which authenticated client owns the account, attests the link with the platform signer's signature
    /// over PayerLink(client, payer, deadline); a linked payer may withdraw unused escrow.
    function linkPayer(bytes32 client, uint64 deadline, bytes calldata platformSig) external {
        if (block.timestamp > deadline) revert SignatureExpired();
        bytes32 digest = _typedDigest(domainSeparator(), keccak256(abi.encode(PAYER_LINK_TYPEHASH, client, msg.sender, deadline)));
        if (_recoverStrict(digest, platformSig) != platformSigner) revert BadSignature();
        isPayer[client][msg.sender] = true;
        emit PayerLinked(client, msg.sender);
    }

    /// Escrow still available for new jobs: the balance minus a pending withdrawal.
    function availableEscrow(bytes32 client) external view returns (uint256) {
        uint256 e = escrowOf[client];
        uint256 w = pendingEscrowWithdrawal[client].amount;
        return e > w ? e - w : 0;
    }

    /// Announces a withdrawal of unused escrow; it can be executed ESCROW_WITHDRAWAL_DELAY later, so receipts for
    /// jobs already running can still be redeemed. Replaces an earlier request.
    function requestEscrowWithdrawal(bytes32 client, uint256 amount) external {
        if (!isPayer[client][msg.sender]) revert NotLinkedPayer();
        uint64 unlockAt = uint64(block.timestamp + ESCROW_WITHDRAWAL_DELAY);
        pendingEscrowWithdrawal[client] = EscrowWithdrawal(msg.sender, unlockAt, amount);
        emit EscrowWithdrawalRequested(client, msg.sender, amount, unlockAt);
    }

    function cancelEscrowWithdrawal(bytes32 client) external {
        EscrowWithdrawal memory w = pendingEscrowWithdrawal[client];
        if (w.payer != msg.sender) revert NoPendingWithdrawal();
        delete pendingEscrowWithdrawal[client];
        emit EscrowWithdrawalCancelled(client, msg.sender);
    }

    /// Executes the caller's pending withdrawal: pays min(requested, escrow left) to the caller.
    function withdrawEscrow(bytes32 client) external {
        EscrowWithdrawal memory w = pendingEscrowWithdrawal[client];
        if (w.payer != msg.sender || !isPayer[client][msg.sender]) revert NoPendingWithdrawal();
        if (block.timestamp < w.unlockAt) revert WithdrawalLocked(w.unlockAt);
        uint256 e = escrowOf[client];
        uint256 amount = w.amount < e ? w.amount : e;
        delete pendingEscrowWithdrawal[client];
        escrowOf[client] = e - amount;
        emit EscrowWithdrawn(client, msg.sender, amount);
        _transfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- nodes

    /// Registers (or re-points) a node key to the operator account it earns for. The node key signs
    /// NodeRegistration(node, operator, nonce); anyone may submit it. A rotated-out key cannot come back.
    function registerNode(address node, address operator, bytes calldata nodeSig) external {
        if (operator == address(0)) revert ZeroAddress();
        Node memory n = nodes[node];
        if (n.validUntil != 0 && n.validUntil != ACTIVE) revert NodeNotActive(node);
        bytes32 digest = _typedDigest(domainSeparator(), keccak256(abi.encode(NODE_REGISTRATION_TYPEHASH, node, operator, n.nonce)));
        if (_recoverStrict(digest, nodeSig) != node) revert BadSignature();
        nodes[node] = Node(operator, ACTIVE, n.nonce + 1);
        emit NodeRegistered(node, operator);
    }

    /// Replaces an active node key by a new one for the same operator. Both keys sign
    /// NodeRotation(oldNode, newNode, nonce of the old key). Receipts of the old key stay redeemable for
    /// ROTATION_GRACE, so jobs finished just before the rotation still get paid.
    function rotateNode(address oldNode, address newNode, bytes calldata oldSig, bytes calldata newSig) external {
        Node memory o = nodes[oldNode];
        if (o.validUntil != ACTIVE) revert NodeNotActive(oldNode);
        if (nodes[newNode].validUntil != 0) revert NodeAlreadyKnown(newNode);
        bytes32 digest = _typedDigest(domainSeparator(), keccak256(abi.encode(NODE_ROTATION_TYPEHASH, oldNode, newNode, o.nonce)));
        if (_recoverStrict(digest, oldSig) != oldNode || _recoverStrict(digest, newSig) != newNode) revert BadSignature();
        uint64 until = uint64(block.timestamp + ROTATION_GRACE);
        nodes[oldNode] = Node(o.operator, until, o.nonce + 1);
        nodes[newNode] = Node(o.operator, ACTIVE, 0);
        emit NodeRotated(oldNode, newNode, o.operator, until);
    }

    /// Whether the job with this serial has been paid (by any node's receipt).
    function isRedeemed(uint256 serial) external view returns (bool) {
        return redeemedBitmap[serial >> 8] & (1 << (serial & 0xff)) != 0;
    }

    // ---------------------------------------------------------------- redemption

    /// Per-batch running state, kept in memory so consecutive receipts of the same node / client / bitmap word
    /// cost one storage write per run instead of one per receipt.
    struct Run {
        address node;
        address operator;
        uint256 gross;
        uint256 net;
        bytes32 client;
        uint256 charged;
        uint256 wordIndex;
        uint256 word;
        uint256 wordBefore;
        uint256 feeTotal;
    }

    /// Redeems a batch of receipts: each must carry a valid node signature of a registered (or rotated-out within
    /// 24 h) node key and the platform signer's countersignature over the EIP-712 digest for this chain and this
    /// contract, must not have been redeemed, and its client's escrow must cover it. Any failure reverts the
    /// whole batch, naming the receipt's index. The operator is credited floor(value * (10000 - feeBps) / 10000), the platform keeps the rest.
    function redeem(Receipt[] calldata receipts, bytes[] calldata nodeSigs, bytes[] calldata platformSigs) external {
        uint256 count = receipts.length;
        if (count == 0) revert EmptyBatch();
        if (nodeSigs.length != count || platformSigs.length != count) revert LengthMismatch();
        Run memory run;
        bytes32 ds = domainSeparator();
        address signer = platformSigner;
        uint256 keepBps = 10000 - feeBps;
        run.wordIndex = type(uint256).max;
        for (uint256 i; i < count; ++i) {
            Receipt calldata r = receipts[i];
            address node = r.node;
            uint256 serial = r.serial;
            uint256 value = r.value;
            bytes32 digest = _typedDigest(ds, _receiptStructHash(r));

            (address ns, bool okN) = _recoverAt(digest, _elementAt(nodeSigs, i));
            (address ps, bool okP) = _recoverAt(digest, _elementAt(platformSigs, i));
            if (!okN || !okP) revert MalformedSignature(i);
            if (ns != node || node == address(0)) revert BadNodeSignature(i);
            if (ps != signer) revert BadPlatformSignature(i);

            if (node != run.node) {
                _flushNode(run);
                Node memory n = nodes[node];
                if (n.operator == address(0)) revert UnknownNode(i, node);
                if (block.timestamp > n.validUntil) revert NodeKeyExpired(i, node);
                run.node = node;
                run.operator = n.operator;
            }
            uint256 wordIndex = serial >> 8;
            if (wordIndex != run.wordIndex) {
                _flushWord(run);
                run.wordIndex = wordIndex;
                run.word = redeemedBitmap[wordIndex];
                run.wordBefore = run.word;
            }
            uint256 bit = 1 << (serial & 0xff);
            if (run.word & bit != 0) revert AlreadyRedeemed(i, r.jobId, serial);
            run.word |= bit;

            bytes32 client = r.client;
            if (client != run.client) {
                _flushClient(run);
                run.client = client;
            }
            // uint64 values: these sums cannot overflow. The operator gets floor(value * (1 - fee)); the platform
            // keeps the remainder (as the control plane's ledger does).
            unchecked {
                run.charged += value;
                run.gross += value;
                run.net += value * keepBps / 10000;
            }
        }
        _flushNode(run);
        _flushWord(run);
        _flushClient(run);
        if (run.feeTotal != 0) feeBalance += run.feeTotal;
    }

    function _flushNode(Run memory run) private {
        if (run.node == address(0)) return;
        uint256 fee = run.gross - run.net;
        if (run.net != 0) balanceOf[run.operator] += run.net;
        run.feeTotal += fee;
        emit OperatorCredited(run.operator, run.node, run.gross, fee);
        run.gross = 0;
        run.net = 0;
    }

    function _flushWord(Run memory run) private {
        if (run.wordIndex != type(uint256).max) {
            redeemedBitmap[run.wordIndex] = run.word;
            emit SerialsRedeemed(run.wordIndex, run.word ^ run.wordBefore);
            run.wordIndex = type(uint256).max;
        }
    }

    function _flushClient(Run memory run) private {
        if (run.charged == 0) return;
        uint256 available = escrowOf[run.client];
        if (available < run.charged) revert InsufficientEscrow(run.client, run.charged, available);
        escrowOf[run.client] = available - run.charged;
        emit EscrowCharged(run.client, run.charged);
        run.charged = 0;
    }

    // ---------------------------------------------------------------- operators

    /// Where withdraw() sends the caller's balance (the caller itself until set).
    function setPayoutAddress(address payoutAddress) external {
        if (payoutAddress == address(0)) revert ZeroAddress();
        payoutAddressOf[msg.sender] = payoutAddress;
        emit PayoutAddressSet(msg.sender, payoutAddress);
    }

    /// Pays the caller's whole operator balance to its payout address.
    function withdraw() external {
        uint256 amount = balanceOf[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        balanceOf[msg.sender] = 0;
        address to = payoutAddressOf[msg.sender];
        if (to == address(0)) to = msg.sender;
        emit Withdrawn(msg.sender, to, amount);
        _transfer(to, amount);
    }

    // ---------------------------------------------------------------- ERC-20 plumbing

    function _transfer(address to, uint256 amount) private {
        _call(abi.encodeWithSelector(0xa9059cbb, to, amount)); // transfer(address,uint256)
    }

    function _transferFrom(address from, uint256 amount) private {
        _call(abi.encodeWithSelector(0x23b872dd, from, address(this), amount)); // transferFrom(address,address,uint256)
    }

    /// Accepts tokens that return true and tokens that return nothing (USDT-style); anything else fails.
    function _call(bytes memory data) private {
        (bool ok, bytes memory ret) = token.call(data);
        if (!ok || (ret.length != 0 && (ret.length != 32 || abi.decode(ret, (uint256)) != 1))) revert TransferFailed();
        if (ret.length == 0 && token.code.length == 0) revert TransferFailed();
    }
}
