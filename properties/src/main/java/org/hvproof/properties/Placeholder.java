package org.hvproof.properties; final class Placeholder { private Placeholder() {} }
