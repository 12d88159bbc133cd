/**
 * Runtime services of every distribution: health endpoint, bundle listing, environment configuration, shutdown, and
 * deploy/ jars that replace a bundle of the distribution.
 */
package net.infernet.core.internal;
