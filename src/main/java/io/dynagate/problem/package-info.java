/**
 * The one error type ({@link io.dynagate.problem.GatewayProblem}) and its wire form. A leaf: it
 * imports no feature.
 */
package io.dynagate.problem;
