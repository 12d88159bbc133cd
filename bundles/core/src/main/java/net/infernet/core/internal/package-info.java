/**
 * Runtime services of every distribution: health endpoint, bundle listing, environment configuration, shutdown, and
 * deploy/ jars that replace a bundle of the distribution; the updater lives in {@code .update}.
 */
package net.infernet.core.internal;
