package net.infernet.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Receipt serials, handed out per node from blocks of {@value #SIZE}: block {@code b} of the database's one sequence
 * holds serials {@code SIZE*b .. SIZE*b+SIZE-1}, exactly one word of the payment contract's redemption bitmap. A
 * node's receipts then set bits in few words (one storage write per 256 receipts), where one global counter would
 * spread them over a word per receipt once a hundred nodes take turns. Serials stay unique across control-plane
 * instances (each takes its own blocks); a block left half used at a restart only leaves unused serials behind.
 */
final class SerialBlocks {
    static final int SIZE = 256;
    private final String nextBlock;
    /** Per node: the next serial of its open block, and the end of that block. */
    private final Map<String, long[]> open = new HashMap<>();

    SerialBlocks(String kind) {
        this.nextBlock = kind.equals("postgresql") ? "SELECT nextval('receipt_serial_blocks')"
                : "SELECT NEXT VALUE FOR receipt_serial_blocks";
    }

    /** The next serial for a job given to {@code nodeId}, taking a new block from the sequence when needed. */
    synchronized long next(Connection c, String nodeId) throws SQLException {
        long[] block = open.get(nodeId);
        if (block == null || block[0] == block[1]) {
            long start = takeBlock(c) * SIZE;
            block = new long[] {start, start + SIZE};
            open.put(nodeId, block);
        }
        return block[0]++;
    }

    private long takeBlock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(nextBlock); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
