/** Runtime services of every distribution: health endpoint, bundle listing, environment configuration, shutdown. */
package net.infernet.core.internal;
