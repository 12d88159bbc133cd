/** The node daemon: backend selection, heartbeat, command handling, job channel, receipts, status endpoint. */
package net.infernet.node.internal;
