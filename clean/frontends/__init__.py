"""Front ends turn an input (HTML or plain text) into a Document of Blocks."""
