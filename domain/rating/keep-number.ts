/** The monthly fee of a period that starts while the line is suspended (停机保号, 保号费), in fen: ¥5. */
export const KEEP_NUMBER_FEE_FEN = 500;
