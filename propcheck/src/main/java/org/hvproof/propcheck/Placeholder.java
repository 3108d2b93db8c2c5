package org.hvproof.propcheck; final class Placeholder { private Placeholder() {} }
