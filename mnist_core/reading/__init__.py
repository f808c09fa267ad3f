"""Reading a digit someone drew or photographed: one pipeline to the 28x28 input,
the classifier, whole numbers, explanations, and evaluation on pen-written digits."""
