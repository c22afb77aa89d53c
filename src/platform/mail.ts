/**
 * Mail port: delivers a plain-text email. The nodemailer adapter speaks SMTP to the server named
 * by `FOLIO_SMTP_URL`; without it Folio only records emails (CONTRACT C3.2.7).
 */
import nodemailer from 'nodemailer';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends one message; rejects when the server refuses it. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** An SMTP mailer for `smtp://` / `smtps://` URLs, or undefined when no URL is configured. */
export const createMailer = (url: string): Mailer | undefined => {
  if (url === '') return undefined;
  const transport = nodemailer.createTransport(url);
  return {
    send: async (m) => {
      await transport.sendMail(m);
    },
    close: () => transport.close(),
  };
};
