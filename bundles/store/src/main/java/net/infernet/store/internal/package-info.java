/** JDBC implementation of the store (private). */
package net.infernet.store.internal;
