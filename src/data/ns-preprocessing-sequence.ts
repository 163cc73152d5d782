/** `tf.preprocessing.sequence`: Keras' keras.preprocessing.sequence.pad_sequences. */
export { padSequences, type PadSequencesOptions } from "./pad_sequences.js";
