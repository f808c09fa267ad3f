"""Reading a digit someone drew or photographed: the classifier, whole numbers,
explanations, and evaluation on pen-written digits (the 28x28 input is drawing's)."""
